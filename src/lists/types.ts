/**
 * The mailing list as the domain sees it. Every group has a list at `<slug>@<list domain>`
 * from its creation; a group without a settings row has the defaults below.
 */

/**
 * Who may post without moderation: `announce` (the default) owners and senders only;
 * `discussion` (ML mode) every member. Anyone else's post waits for an owner.
 */
export type ListMode = 'announce' | 'discussion';
export const LIST_MODES: readonly ListMode[] = ['announce', 'discussion'];

export interface ListSettings {
  group_id: string;
  mode: ListMode;
  /**
   * DMARC mitigation: mail goes out From "Name via Group" <list address> with Reply-To the
   * poster, so a receiver checking the poster's domain's DMARC policy does not reject it.
   * Off: the poster's own From is kept (only safe for domains without a strict policy).
   */
  from_rewrite: boolean;
  /** IANA zone the daily digest's day is counted in. */
  time_zone: string;
  /** The room list posts appear in; created on first use. */
  room_id: string | null;
  updated_at: number;
}

export const DEFAULT_LIST_SETTINGS: Omit<ListSettings, 'group_id' | 'room_id' | 'updated_at'> = Object.freeze({
  mode: 'announce',
  from_rewrite: true,
  time_zone: 'UTC',
});

/**
 * held: waits for an owner; published: in the room and mailed; rejected: an owner said no;
 * dropped: never distributed (a loop, an auto-reply, no usable sender) and never shown.
 */
export type ListPostStatus = 'held' | 'published' | 'rejected' | 'dropped';
export const LIST_POST_STATUSES: readonly ListPostStatus[] = ['held', 'published', 'rejected', 'dropped'];

/** Why a post was held or dropped. */
/** Why a post was held or dropped; `unauthenticated`: a member's From without our MTA's DMARC, DKIM or SPF pass for it. */
export type ListPostReason = 'not_member' | 'not_permitted' | 'unauthenticated' | 'loop' | 'auto_reply' | 'no_sender';

export interface ListPost {
  id: string;
  group_id: string;
  /** The inbound message it came from (one post per message and group). */
  inbound_id: string;
  status: ListPostStatus;
  reason: ListPostReason | null;
  from_address: string;
  /** The display name of the From header, or the address when there is none. */
  from_name: string;
  /** The member whose address sent it, when there is one. */
  user_id: string | null;
  subject: string;
  text_body: string;
  /** Already sanitized: safe to show. */
  html_body: string | null;
  /** The post's own Message-ID (`<…>`), for threading replies. */
  message_id: string | null;
  in_reply_to: string | null;
  /** The References header as received (space-separated ids). */
  references: string | null;
  /** The room message it became, once published. */
  room_message_id: string | null;
  decided_by: string | null;
  decided_at: number | null;
  published_at: number | null;
  created_at: number;
}

export type NewListPost = Omit<ListPost, 'room_message_id' | 'decided_by' | 'decided_at'>;

export interface ListAttachment {
  id: string;
  post_id: string;
  filename: string;
  content_type: string;
  size: number;
  created_at: number;
}

/** A member as the list reaches them. */
export interface ListRecipient {
  user_id: string;
  name: string;
  email: string;
  delivery: 'each' | 'digest' | 'none';
  self_copy: boolean;
}
