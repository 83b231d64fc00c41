import type { NewOutboxRow } from '../mail/outbox-repository.ts';
import type { MailDelivery } from '../shared/mail-delivery.ts';
import type {
  Announcement, AnnouncementWithMine, Answer, Attachment, Contact, Recipient, RecipientCounts, RecipientStats, RecipientView,
} from './types.ts';

/** The mail of a send, rendered within the send's transaction (announcement-delivery.ts). */
export interface SendMail {
  /** The outbox rows for one batch of recipients (at most LIMITS.announcementMailBatch of
   *  them). Synchronous and pure; when it throws, the send is undone. */
  render(contacts: readonly Contact[]): NewOutboxRow[];
}

/** Which recipients a reminder or a mailing is for. */
export type RecipientFilter =
  | { kind: 'all' }
  /** not read, and fewer than `round` automatic reminders sent */
  | { kind: 'unread'; belowRound?: number }
  | { kind: 'unanswered' };

export interface ListOptions {
  viewerId: string;
  /** every sent announcement of the group (owners, senders), not only those received or written */
  seesAllSent: boolean;
  /** every unsent one (owners), not only the viewer's own */
  seesAllUnsent: boolean;
  /** an announcement id: only older ones */
  before?: string;
  limit: number;
}

/**
 * Announcements, their recipients, attachments and members' mail preference, as the domain
 * sees them (implemented for SQLite and PostgreSQL in
 * src/adapters/store/announcement-repository.ts). State changes that race — sending,
 * editing, cancelling, first read — are conditional writes, so two nodes acting at once
 * settle on one outcome. "Not found" is `undefined` or `false`, never an exception.
 */
export interface AnnouncementRepository {
  /** Inserts it and claims `attachmentIds` for it in one transaction; throws
   *  AppError('attachment_not_found') (storing nothing) when one is not claimable. */
  create(announcement: Announcement, attachmentIds: readonly string[], uploaderId: string): Promise<Announcement>;
  findById(id: string): Promise<Announcement | undefined>;
  /**
   * Writes every editable field of an announcement that is still unsent; with `attachmentIds`,
   * makes them its attachments (releasing the others). Undefined, changing nothing, once it is
   * sent or gone.
   */
  updateUnsent(announcement: Announcement, attachmentIds: readonly string[] | undefined, uploaderId: string): Promise<Announcement | undefined>;
  /** Deletes an unsent announcement (its attachments are released); false when sent or gone. */
  deleteUnsent(id: string): Promise<boolean>;
  /**
   * Unsent → sent at `sentAt`, inserting one recipient row per user and, with `mail`, the
   * outbox rows it renders for those recipients, in one transaction: an announcement is never
   * sent without its mail queued. False (changing nothing) when it is already sent or gone:
   * exactly one caller wins. A failure (of `mail.render` too) changes nothing and is thrown.
   */
  markSent(id: string, sentAt: number, userIds: readonly string[], mail?: SendMail): Promise<boolean>;
  /** Newest first, with the viewer's own recipient row. */
  list(groupId: string, options: ListOptions): Promise<AnnouncementWithMine[]>;

  findRecipient(announcementId: string, userId: string): Promise<Recipient | undefined>;
  /** Sets read_at unless already set; the row after (undefined: not a recipient). */
  markRead(announcementId: string, userId: string, at: number): Promise<{ recipient: Recipient; changed: boolean } | undefined>;
  /** Stores the answer (also marking it read); undefined when not a recipient. */
  saveAnswer(announcementId: string, userId: string, answer: Answer, at: number): Promise<Recipient | undefined>;
  /** Every recipient with their name, by name then id. */
  listRecipients(announcementId: string): Promise<RecipientView[]>;
  stats(announcementId: string): Promise<RecipientStats>;
  /** Counts of several announcements in one query. */
  counts(announcementIds: readonly string[]): Promise<Map<string, RecipientCounts>>;
  /** Unread announcements of `groupId` per user, for these users (0s included). */
  unreadCounts(groupId: string, userIds: readonly string[]): Promise<Map<string, number>>;
  /** Unread announcements per group for one user (groups with none left out). */
  unreadByGroup(userId: string): Promise<{ group_id: string; count: number }[]>;
  /** The recipients matching `filter`, with how to reach them. */
  contacts(announcementId: string, filter: RecipientFilter): Promise<Contact[]>;
  /** Records automatic reminder `round` for these users (never lowers the count). */
  markReminded(announcementId: string, userIds: readonly string[], round: number): Promise<void>;
  /** Sets manual_reminded_at to `at` unless it is after `notAfter`: false when reminded too recently. */
  claimManualReminder(id: string, at: number, notAfter: number): Promise<boolean>;

  createAttachment(attachment: Attachment): Promise<Attachment>;
  findAttachment(id: string): Promise<Attachment | undefined>;
  /** The attachments of these announcements, oldest first. */
  listAttachments(announcementIds: readonly string[]): Promise<Attachment[]>;
  /** Deletes attachments no announcement claims that were uploaded before `before`; their ids. */
  deleteUnclaimedAttachments(before: number): Promise<string[]>;

  getMailDelivery(groupId: string, userId: string): Promise<MailDelivery | undefined>;
  /** False when not a member. */
  setMailDelivery(groupId: string, userId: string, delivery: MailDelivery): Promise<boolean>;
}
