import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AnnouncementRepository, ListOptions, RecipientFilter, SendMail } from '../../announcements/announcement-repository.ts';
import type {
  Announcement, AnnouncementWithMine, Answer, Attachment, Contact, Recipient, RecipientCounts, RecipientStats, RecipientView,
} from '../../announcements/types.ts';
import type { MailDelivery } from '../../shared/mail-delivery.ts';
import { LIMITS } from '../../config/limits.ts';
import { KyselyAnnouncementAttachmentRepository } from './announcement-attachment-repository.ts';
import { KyselyAnnouncementRecipientRepository, toRecipient } from './announcement-recipient-repository.ts';
import { chunk } from './insert-in-chunks.ts';
import { KyselyMailDeliveryRepository } from './mail-delivery-repository.ts';
import { insertOutboxRows } from './outbox-repository.ts';
import { pick } from './pick.ts';
import type { AnnouncementsTable, Database } from './schema.ts';
import type { StoreDatabase } from './store-database.ts';

type AnnouncementRow = Selectable<AnnouncementsTable>;

function toAnnouncement(row: AnnouncementRow): Announcement {
  return {
    id: row.id,
    group_id: row.group_id,
    author_id: row.author_id,
    title: row.title,
    body: row.body,
    audience: JSON.parse(row.audience) as Announcement['audience'],
    email: row.email === 1,
    answer_spec: row.answer_spec === null ? null : (JSON.parse(row.answer_spec) as Announcement['answer_spec']),
    deadline: row.deadline,
    status: row.status,
    send_at: row.send_at,
    sent_at: row.sent_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    remind_count: row.remind_count,
    remind_interval_ms: row.remind_interval_ms,
    deadline_remind_ms: row.deadline_remind_ms,
    manual_reminded_at: row.manual_reminded_at,
  };
}

function toRow(a: Announcement): Insertable<AnnouncementsTable> {
  return {
    ...pick(a, [
      'id', 'group_id', 'author_id', 'title', 'body', 'deadline', 'status', 'send_at', 'sent_at', 'created_at', 'updated_at',
      'remind_count', 'remind_interval_ms', 'deadline_remind_ms', 'manual_reminded_at',
    ]),
    audience: JSON.stringify(a.audience),
    email: a.email ? 1 : 0,
    answer_spec: a.answer_spec === null ? null : JSON.stringify(a.answer_spec),
  };
}

/**
 * Announcements over Kysely, one implementation for SQLite and PostgreSQL. Transitions are
 * conditional UPDATEs (`… WHERE status <> 'sent'`): on PostgreSQL a second writer waits for
 * the first's row lock and then sees the new status, so exactly one send, edit or cancel wins.
 * The port's other concepts are their own repositories, composed here: recipients (reads,
 * answers, reminders), attachments, and members' mail preference. A transition that touches
 * them (create, edit, send) hands them its transaction.
 */
export class KyselyAnnouncementRepository implements AnnouncementRepository {
  private readonly db: Kysely<Database>;
  private readonly maxParameters: number;
  private readonly recipients: KyselyAnnouncementRecipientRepository;
  private readonly attachments: KyselyAnnouncementAttachmentRepository;
  private readonly mailDelivery: KyselyMailDeliveryRepository;

  constructor(database: StoreDatabase) {
    this.db = database.db;
    this.maxParameters = database.maxParameters;
    this.recipients = new KyselyAnnouncementRecipientRepository(database);
    this.attachments = new KyselyAnnouncementAttachmentRepository(database);
    this.mailDelivery = new KyselyMailDeliveryRepository(database.db);
  }

  async create(announcement: Announcement, attachmentIds: readonly string[], uploaderId: string): Promise<Announcement> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('announcements').values(toRow(announcement)).execute();
      await this.attachments.claim(trx, announcement, attachmentIds, uploaderId);
    });
    return announcement;
  }

  async findById(id: string): Promise<Announcement | undefined> {
    const row = await this.db.selectFrom('announcements').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAnnouncement(row);
  }

  async updateUnsent(announcement: Announcement, attachmentIds: readonly string[] | undefined, uploaderId: string): Promise<Announcement | undefined> {
    const { id, group_id: _g, author_id: _a, created_at: _c, ...fields } = toRow(announcement);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('announcements')
        .set(fields)
        .where('id', '=', id)
        .where('status', '<>', 'sent')
        .returningAll()
        .executeTakeFirst();
      if (!row) return undefined;
      const updated = toAnnouncement(row);
      if (attachmentIds !== undefined) {
        await this.attachments.releaseAllBut(trx, id, attachmentIds);
        await this.attachments.claim(trx, updated, attachmentIds, uploaderId);
      }
      return updated;
    });
  }

  async deleteUnsent(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('announcements').where('id', '=', id).where('status', '<>', 'sent').executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async markSent(id: string, sentAt: number, userIds: readonly string[], mail?: SendMail): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const won = await trx
        .updateTable('announcements')
        .set({ status: 'sent', sent_at: sentAt, updated_at: sentAt })
        .where('id', '=', id)
        .where('status', '<>', 'sent')
        .returning('group_id')
        .executeTakeFirst();
      if (!won) return false;
      await this.recipients.insert(trx, id, won.group_id, userIds);
      if (mail) {
        const contacts = await this.recipients.contactsWithin(trx, id, { kind: 'all' });
        for (const batch of chunk(contacts, LIMITS.announcementMailBatch)) await insertOutboxRows(trx, mail.render(batch), this.maxParameters);
      }
      return true;
    });
  }

  async list(groupId: string, options: ListOptions): Promise<AnnouncementWithMine[]> {
    const { viewerId } = options;
    let query = this.db
      .selectFrom('announcements as a')
      .leftJoin('announcement_recipients as r', (join) => join.onRef('r.announcement_id', '=', 'a.id').on('r.user_id', '=', viewerId))
      .selectAll('a')
      .select(['r.user_id as r_user_id', 'r.read_at as r_read_at', 'r.answer as r_answer', 'r.answered_at as r_answered_at', 'r.reminders_sent as r_reminders_sent'])
      .where('a.group_id', '=', groupId)
      .where((eb) => {
        const mine = eb('a.author_id', '=', viewerId);
        const sent = options.seesAllSent ? eb('a.status', '=', 'sent') : eb.and([eb('a.status', '=', 'sent'), eb.or([mine, eb('r.user_id', 'is not', null)])]);
        const unsent = options.seesAllUnsent ? eb('a.status', '<>', 'sent') : eb.and([eb('a.status', '<>', 'sent'), mine]);
        return eb.or([sent, unsent]);
      });
    if (options.before !== undefined) query = query.where('a.id', '<', options.before);
    const rows = await query.orderBy('a.id', 'desc').limit(options.limit).execute();
    return rows.map((row) => {
      const { r_user_id, r_read_at, r_answer, r_answered_at, r_reminders_sent, ...announcement } = row;
      const mine = r_user_id === null
        ? undefined
        : toRecipient({ announcement_id: row.id, user_id: r_user_id, read_at: r_read_at, answer: r_answer, answered_at: r_answered_at, reminders_sent: r_reminders_sent ?? 0 });
      return { announcement: toAnnouncement(announcement), mine };
    });
  }

  async claimManualReminder(id: string, at: number, notAfter: number): Promise<boolean> {
    const result = await this.db
      .updateTable('announcements')
      .set({ manual_reminded_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('manual_reminded_at', 'is', null), eb('manual_reminded_at', '<=', notAfter)]))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  findRecipient(announcementId: string, userId: string): Promise<Recipient | undefined> {
    return this.recipients.findRecipient(announcementId, userId);
  }

  markRead(announcementId: string, userId: string, at: number): Promise<{ recipient: Recipient; changed: boolean } | undefined> {
    return this.recipients.markRead(announcementId, userId, at);
  }

  saveAnswer(announcementId: string, userId: string, answer: Answer, at: number): Promise<Recipient | undefined> {
    return this.recipients.saveAnswer(announcementId, userId, answer, at);
  }

  listRecipients(announcementId: string): Promise<RecipientView[]> {
    return this.recipients.listRecipients(announcementId);
  }

  stats(announcementId: string): Promise<RecipientStats> {
    return this.recipients.stats(announcementId);
  }

  counts(announcementIds: readonly string[]): Promise<Map<string, RecipientCounts>> {
    return this.recipients.counts(announcementIds);
  }

  unreadCounts(groupId: string, userIds: readonly string[]): Promise<Map<string, number>> {
    return this.recipients.unreadCounts(groupId, userIds);
  }

  unreadByGroup(userId: string): Promise<{ group_id: string; count: number }[]> {
    return this.recipients.unreadByGroup(userId);
  }

  contacts(announcementId: string, filter: RecipientFilter): Promise<Contact[]> {
    return this.recipients.contacts(announcementId, filter);
  }

  markReminded(announcementId: string, userIds: readonly string[], round: number): Promise<void> {
    return this.recipients.markReminded(announcementId, userIds, round);
  }

  createAttachment(attachment: Attachment): Promise<Attachment> {
    return this.attachments.createAttachment(attachment);
  }

  findAttachment(id: string): Promise<Attachment | undefined> {
    return this.attachments.findAttachment(id);
  }

  listAttachments(announcementIds: readonly string[]): Promise<Attachment[]> {
    return this.attachments.listAttachments(announcementIds);
  }

  deleteUnclaimedAttachments(before: number): Promise<string[]> {
    return this.attachments.deleteUnclaimedAttachments(before);
  }

  getMailDelivery(groupId: string, userId: string): Promise<MailDelivery | undefined> {
    return this.mailDelivery.find(groupId, userId);
  }

  setMailDelivery(groupId: string, userId: string, delivery: MailDelivery): Promise<boolean> {
    return this.mailDelivery.set(groupId, userId, delivery);
  }
}
