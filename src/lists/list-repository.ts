import type { MailDelivery } from '../shared/mail-delivery.ts';
import type { ListAttachment, ListPost, ListPostStatus, ListRecipient, ListSettings, NewListPost } from './types.ts';

/**
 * The mailing list's tables as the list code sees them (implemented once with Kysely for
 * SQLite and PostgreSQL: src/adapters/store/list-repository.ts). A member's delivery
 * choice is the membership's `mail_delivery` (one preference for all mail of a group); the
 * list adds only whether they get their own posts back.
 */
export interface ListRepository {
  /** The group's settings; the defaults when none were ever stored. */
  getSettings(groupId: string): Promise<ListSettings>;
  /** Upsert of the given fields (the rest keep their value or default). */
  putSettings(groupId: string, patch: Partial<Pick<ListSettings, 'mode' | 'from_rewrite' | 'time_zone'>>, at: number): Promise<ListSettings>;
  /**
   * Records `roomId` as the list room unless one is recorded already; returns the room that
   * is recorded after the call (the first writer wins, so two nodes agree on one room).
   */
  claimRoom(groupId: string, roomId: string, at: number): Promise<string>;

  /** Whether the member gets a copy of their own posts (default true). */
  getSelfCopy(groupId: string, userId: string): Promise<boolean>;
  setSelfCopy(groupId: string, userId: string, selfCopy: boolean): Promise<void>;
  /** The member's delivery (membership's mail_delivery); undefined when not a member. */
  getDelivery(groupId: string, userId: string): Promise<MailDelivery | undefined>;
  setDelivery(groupId: string, userId: string, delivery: MailDelivery): Promise<boolean>;
  /** Every member with their address and list choices. */
  listRecipients(groupId: string): Promise<ListRecipient[]>;

  /**
   * Inserts the post and its attachments' metadata in one transaction. When a post for the
   * same (inbound_id, group_id) exists, inserts nothing and returns that one (created false).
   */
  insertPost(post: NewListPost, attachments: ListAttachment[]): Promise<{ post: ListPost; created: boolean }>;
  findPost(id: string): Promise<ListPost | undefined>;
  /** Newest first, optionally before an id. */
  listPosts(groupId: string, status: ListPostStatus, opts: { before?: string; limit: number }): Promise<ListPost[]>;
  /** held → published or rejected, only while still held; false when another decision won. */
  decide(id: string, to: 'published' | 'rejected', by: string, at: number): Promise<boolean>;
  setRoomMessage(postId: string, roomMessageId: string): Promise<void>;
  /** Published posts with published_at in [from, to), oldest first. */
  publishedBetween(groupId: string, from: number, to: number): Promise<ListPost[]>;
  listAttachments(postIds: string[]): Promise<ListAttachment[]>;
  findAttachment(id: string): Promise<ListAttachment | undefined>;

  /** Groups with at least one member whose delivery is 'digest'. */
  groupsWithDigestReaders(): Promise<string[]>;
  findDigest(groupId: string, day: string): Promise<boolean>;
  /** Records that the digest of `day` was enqueued; false when it already was. */
  recordDigest(groupId: string, day: string, posts: number, at: number): Promise<boolean>;
}
