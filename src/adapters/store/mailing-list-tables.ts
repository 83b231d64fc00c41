import type { ListMode, ListPostStatus } from '../../lists/types.ts';
import type { InboundKind } from '../../mail/inbound/inbound-handler.ts';

/** 0005-mailing-list, as Kysely sees it (part of `Database` in schema.ts). */
export interface MailingListTables {
  inbound_messages: InboundMessagesTable;
  inbound_deliveries: InboundDeliveriesTable;
  list_settings: ListSettingsTable;
  list_member_settings: ListMemberSettingsTable;
  list_posts: ListPostsTable;
  list_attachments: ListAttachmentsTable;
  list_digests: ListDigestsTable;
}

export interface InboundMessagesTable {
  id: string;
  dedupe_key: string;
  envelope_from: string;
  /** the raw message, base64 */
  raw: string;
  /** JSON summary of the parsed message */
  parsed: string;
  size: number;
  received_at: number;
}

export interface InboundDeliveriesTable {
  message_id: string;
  address: string;
  dedupe_key: string;
  kind: InboundKind;
  group_id: string | null;
  token: string | null;
  processed_at: number | null;
  attempts: number;
  last_error: string | null;
}

export interface ListSettingsTable {
  group_id: string;
  mode: ListMode;
  /** 0 or 1 */
  from_rewrite: number;
  time_zone: string;
  room_id: string | null;
  updated_at: number;
}

export interface ListMemberSettingsTable {
  group_id: string;
  user_id: string;
  /** 0 or 1 */
  self_copy: number;
}

export interface ListPostsTable {
  id: string;
  group_id: string;
  inbound_id: string;
  status: ListPostStatus;
  reason: string | null;
  from_address: string;
  from_name: string;
  user_id: string | null;
  subject: string;
  text_body: string;
  html_body: string | null;
  message_id: string | null;
  in_reply_to: string | null;
  thread_references: string | null;
  room_message_id: string | null;
  decided_by: string | null;
  decided_at: number | null;
  published_at: number | null;
  created_at: number;
}

export interface ListAttachmentsTable {
  id: string;
  post_id: string;
  filename: string;
  content_type: string;
  size: number;
  created_at: number;
}

export interface ListDigestsTable {
  group_id: string;
  day: string;
  posts: number;
  created_at: number;
}
