import type { Generated } from 'kysely';
import type { AnnouncementStatus } from '../../announcements/types.ts';
import type { Role } from '../../domain/types.ts';
import type { OutboxStatus } from '../../mail/outbox-repository.ts';
import type { JobStatus } from '../../scheduler/job-repository.ts';
import type { MailDelivery } from '../../shared/mail-delivery.ts';
import type { MailingListTables } from './mailing-list-tables.ts';

/**
 * The tables as Kysely sees them, after every migration. Timestamps are epoch milliseconds
 * (PostgreSQL `bigint`, read back as numbers by the pool's int8 parser). Booleans are 0/1
 * integers on both dialects, so one code path reads and writes them; repositories turn rows
 * into the domain's types and never hand a row out as is.
 */
export interface Database extends MailingListTables {
  users: UsersTable;
  sessions: SessionsTable;
  account_tokens: AccountTokensTable;
  groups: GroupsTable;
  memberships: MembershipsTable;
  subgroups: SubgroupsTable;
  subgroup_members: SubgroupMembersTable;
  invites: InvitesTable;
  rooms: RoomsTable;
  messages: MessagesTable;
  read_markers: ReadMarkersTable;
  jobs: JobsTable;
  announcements: AnnouncementsTable;
  announcement_recipients: AnnouncementRecipientsTable;
  announcement_attachments: AnnouncementAttachmentsTable;
  outbox: OutboxTable;
  mail_bounces: MailBouncesTable;
  attachment_blobs: AttachmentBlobsTable;
}

/** Attachment bytes (base64) by attachment id, for stores shared by a cluster. */
export interface AttachmentBlobsTable {
  id: string;
  data: string;
  bytes: number;
  created_at: number;
}

export interface UsersTable {
  id: string;
  /** as the user typed it */
  email: string;
  /** `email.toLowerCase()`: the unique key and the lookup column */
  email_lower: string;
  name: string;
  password_hash: string;
  created_at: number;
  /** 0008-accounts: when the address was proved; null until then */
  email_verified_at: number | null;
  /** 0008-accounts: 'ja' | 'en' | null */
  language: string | null;
  /** 0008-accounts: set when the person left; the row stays, anonymized, for what others need */
  deleted_at: number | null;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  /** 0008-accounts */
  id: string;
  last_used_at: number;
  user_agent: string | null;
}

/** 0008-accounts: single-use mailed links (verification, address change, password reset). */
export interface AccountTokensTable {
  token_hash: string;
  user_id: string;
  purpose: 'verify_email' | 'change_email' | 'reset_password';
  email: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface GroupsTable {
  id: string;
  name: string;
  slug: string;
  created_by: string;
  created_at: number;
  /** 0009-member-email-visibility; 1: plain members see members' addresses */
  member_emails_visible: Generated<number>;
}

export interface MembershipsTable {
  group_id: string;
  user_id: string;
  role: Role;
  joined_at: number;
  /** 0004-announcements; 'each' unless the member chose otherwise */
  mail_delivery: Generated<MailDelivery>;
}

export interface SubgroupsTable {
  id: string;
  group_id: string;
  name: string;
  created_at: number;
}

export interface SubgroupMembersTable {
  subgroup_id: string;
  user_id: string;
  /** 0 or 1 */
  leader: number;
}

export interface InvitesTable {
  code: string;
  group_id: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  max_uses: number | null;
  uses: number;
  revoked_at: number | null;
}

export interface RoomsTable {
  id: string;
  group_id: string;
  name: string;
  created_by: string;
  created_at: number;
  last_seq: number;
}

export interface MessagesTable {
  id: string;
  room_id: string;
  seq: number;
  author_id: string;
  body: string;
  reply_to: string | null;
  /** JSON array of user ids */
  mentions: string;
  client_id: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

export interface ReadMarkersTable {
  room_id: string;
  user_id: string;
  last_read_seq: number;
  updated_at: number;
}

/** 0004-announcements (src/adapters/store/announcement-repository.ts). */
export interface AnnouncementsTable {
  id: string;
  group_id: string;
  author_id: string;
  title: string;
  body: string;
  /** JSON Audience */
  audience: string;
  /** 0 or 1 */
  email: number;
  /** JSON AnswerSpec, or null */
  answer_spec: string | null;
  deadline: number | null;
  status: AnnouncementStatus;
  send_at: number | null;
  sent_at: number | null;
  created_at: number;
  updated_at: number;
  remind_count: number;
  remind_interval_ms: number;
  deadline_remind_ms: number;
  manual_reminded_at: number | null;
}

export interface AnnouncementRecipientsTable {
  announcement_id: string;
  user_id: string;
  group_id: string;
  read_at: number | null;
  /** JSON Answer, or null */
  answer: string | null;
  answered_at: number | null;
  reminders_sent: Generated<number>;
}

export interface AnnouncementAttachmentsTable {
  id: string;
  group_id: string;
  announcement_id: string | null;
  uploaded_by: string;
  filename: string;
  content_type: string;
  size: number;
  created_at: number;
}

/** One outbound mail to one recipient (src/mail/outbox-repository.ts). */
export interface OutboxTable {
  id: string;
  message_key: string;
  user_id: string | null;
  recipient: string;
  /** `recipient.toLowerCase()`: with message_key, the unique key */
  recipient_lower: string;
  from_address: string;
  reply_to: string | null;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** JSON object of extra headers */
  headers: string;
  message_id: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  claimed_by: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface MailBouncesTable {
  outbox_id: string;
  user_id: string | null;
  recipient: string;
  code: number;
  detail: string;
  created_at: number;
}

/** 0002-jobs: one row per job occurrence (src/scheduler/job-repository.ts). */
export interface JobsTable {
  name: string;
  /** one-off: the caller's key; recurring: the occurrence's fire time in ISO 8601 */
  key: string;
  /** 1 for an occurrence of a recurring (cron) job, 0 for a one-off job */
  recurring: number;
  fire_at: number;
  /** JSON object */
  payload: string;
  /** +1 at each (re)schedule of a one-off job */
  version: number;
  status: JobStatus;
  attempts: number;
  /** the claim token `<node>#<n>`, or null when unclaimed */
  claimed_by: string | null;
  /** not claimable before this: a claim's lease, or a retry's delay */
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}
