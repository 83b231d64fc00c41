import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { AnnouncementRepository, ListOptions, RecipientFilter, SendMail } from '../../announcements/announcement-repository.ts';
import type {
  Announcement, AnnouncementWithMine, Answer, Attachment, Contact, Recipient, RecipientCounts, RecipientStats, RecipientView,
} from '../../announcements/types.ts';
import { LIMITS } from '../../config/limits.ts';
import { AppError } from '../../domain/app-error.ts';
import type { MailDelivery } from '../../shared/mail-delivery.ts';
import { chunk, insertInChunks } from './insert-in-chunks.ts';
import type { StoreDatabase } from './kysely-store.ts';
import { insertOutboxRows } from './outbox-repository-kysely.ts';
import { pick } from './pick.ts';
import type { AnnouncementRecipientsTable, AnnouncementsTable, Database } from './schema.ts';

const ATTACHMENT_COLUMNS = ['id', 'group_id', 'announcement_id', 'uploaded_by', 'filename', 'content_type', 'size', 'created_at'] as const;
const RECIPIENT_COLUMNS = ['announcement_id', 'user_id', 'read_at', 'answer', 'answered_at', 'reminders_sent'] as const;

type AnnouncementRow = Selectable<AnnouncementsTable>;
type RecipientRow = Pick<Selectable<AnnouncementRecipientsTable>, (typeof RECIPIENT_COLUMNS)[number]>;

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

function toRecipient(row: RecipientRow): Recipient {
  return {
    announcement_id: row.announcement_id,
    user_id: row.user_id,
    read_at: row.read_at,
    answer: row.answer === null ? null : (JSON.parse(row.answer) as Answer),
    answered_at: row.answered_at,
    reminders_sent: row.reminders_sent,
  };
}

/**
 * Announcements over Kysely, one implementation for SQLite and PostgreSQL. Transitions are
 * conditional UPDATEs (`… WHERE status <> 'sent'`): on PostgreSQL a second writer waits for
 * the first's row lock and then sees the new status, so exactly one send, edit or cancel wins.
 * Recipient rows are written in multi-row INSERTs within the dialect's parameter limit.
 */
export class KyselyAnnouncementRepository implements AnnouncementRepository {
  private readonly db: Kysely<Database>;
  private readonly maxParameters: number;

  constructor(database: StoreDatabase) {
    this.db = database.db;
    this.maxParameters = database.maxParameters;
  }

  async create(announcement: Announcement, attachmentIds: readonly string[], uploaderId: string): Promise<Announcement> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('announcements').values(toRow(announcement)).execute();
      await this.claimAttachments(trx, announcement, attachmentIds, uploaderId);
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
        let release = trx.updateTable('announcement_attachments').set({ announcement_id: null }).where('announcement_id', '=', id);
        if (attachmentIds.length > 0) release = release.where('id', 'not in', [...attachmentIds]);
        await release.execute();
        await this.claimAttachments(trx, updated, attachmentIds, uploaderId);
      }
      return updated;
    });
  }

  /** Attachments become the announcement's when they are of its group and either already its
   *  own or unclaimed uploads of `uploaderId`; anything else undoes the transaction. */
  private async claimAttachments(trx: Transaction<Database>, announcement: Announcement, ids: readonly string[], uploaderId: string): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const result = await trx
      .updateTable('announcement_attachments')
      .set({ announcement_id: announcement.id })
      .where('id', 'in', unique)
      .where('group_id', '=', announcement.group_id)
      .where((eb) => eb.or([
        eb('announcement_id', '=', announcement.id),
        eb.and([eb('announcement_id', 'is', null), eb('uploaded_by', '=', uploaderId)]),
      ]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== unique.length) {
      throw new AppError('attachment_not_found', 'An attachment id names no upload of yours in this group that another announcement has not taken.', { field: 'attachment_ids' });
    }
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
      const rows = [...new Set(userIds)].map((user_id) => ({ announcement_id: id, user_id, group_id: won.group_id, read_at: null, answer: null, answered_at: null }));
      await insertInChunks(trx, 'announcement_recipients', rows, this.maxParameters);
      if (mail) {
        const contacts = await this.contactsWithin(trx, id, { kind: 'all' });
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

  async findRecipient(announcementId: string, userId: string): Promise<Recipient | undefined> {
    const row = await this.db
      .selectFrom('announcement_recipients')
      .select(RECIPIENT_COLUMNS)
      .where('announcement_id', '=', announcementId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && toRecipient(row);
  }

  async markRead(announcementId: string, userId: string, at: number): Promise<{ recipient: Recipient; changed: boolean } | undefined> {
    const row = await this.db
      .updateTable('announcement_recipients')
      .set({ read_at: at })
      .where('announcement_id', '=', announcementId)
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .returning(RECIPIENT_COLUMNS)
      .executeTakeFirst();
    if (row) return { recipient: toRecipient(row), changed: true };
    const existing = await this.findRecipient(announcementId, userId);
    return existing && { recipient: existing, changed: false };
  }

  async saveAnswer(announcementId: string, userId: string, answer: Answer, at: number): Promise<Recipient | undefined> {
    const row = await this.db
      .updateTable('announcement_recipients')
      .set((eb) => ({ answer: JSON.stringify(answer), answered_at: at, read_at: eb.fn.coalesce('read_at', eb.val(at)) }))
      .where('announcement_id', '=', announcementId)
      .where('user_id', '=', userId)
      .returning(RECIPIENT_COLUMNS)
      .executeTakeFirst();
    return row && toRecipient(row);
  }

  async listRecipients(announcementId: string): Promise<RecipientView[]> {
    const rows = await this.db
      .selectFrom('announcement_recipients as r')
      .innerJoin('users', 'users.id', 'r.user_id')
      .select(['r.announcement_id', 'r.user_id', 'r.read_at', 'r.answer', 'r.answered_at', 'r.reminders_sent', 'users.name', 'users.email_verified_at'])
      .where('r.announcement_id', '=', announcementId)
      .orderBy('users.name')
      .orderBy('r.user_id')
      .execute();
    return rows.map(({ email_verified_at, name, ...row }) => ({ ...toRecipient(row), name, email_verified: email_verified_at !== null }));
  }

  async stats(announcementId: string): Promise<RecipientStats> {
    const [counts, answers] = await Promise.all([
      this.counts([announcementId]),
      this.db
        .selectFrom('announcement_recipients')
        .select('answer')
        .where('announcement_id', '=', announcementId)
        .where('answer', 'is not', null)
        .execute(),
    ]);
    const c = counts.get(announcementId) ?? { recipient_count: 0, read_count: 0, answered_count: 0 };
    return { ...c, answers: answers.map((row) => JSON.parse(row.answer!) as Answer) };
  }

  async counts(announcementIds: readonly string[]): Promise<Map<string, RecipientCounts>> {
    const out = new Map<string, RecipientCounts>();
    for (const ids of chunk([...new Set(announcementIds)], this.maxParameters)) {
      const rows = await this.db
        .selectFrom('announcement_recipients')
        .select((eb) => [
          'announcement_id',
          eb.fn.countAll<number>().as('recipient_count'),
          eb.fn.count<number>('read_at').as('read_count'),
          eb.fn.count<number>('answered_at').as('answered_count'),
        ])
        .where('announcement_id', 'in', ids)
        .groupBy('announcement_id')
        .execute();
      for (const r of rows) {
        out.set(r.announcement_id, { recipient_count: Number(r.recipient_count), read_count: Number(r.read_count), answered_count: Number(r.answered_count) });
      }
    }
    return out;
  }

  async unreadCounts(groupId: string, userIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>(userIds.map((id) => [id, 0]));
    for (const ids of chunk([...out.keys()], this.maxParameters - 1)) {
      const rows = await this.db
        .selectFrom('announcement_recipients')
        .select((eb) => ['user_id', eb.fn.countAll<number>().as('unread')])
        .where('user_id', 'in', ids)
        .where('group_id', '=', groupId)
        .where('read_at', 'is', null)
        .groupBy('user_id')
        .execute();
      for (const r of rows) out.set(r.user_id, Number(r.unread));
    }
    return out;
  }

  async unreadByGroup(userId: string): Promise<{ group_id: string; count: number }[]> {
    const rows = await this.db
      .selectFrom('announcement_recipients as r')
      .innerJoin('memberships as m', (join) => join.onRef('m.group_id', '=', 'r.group_id').onRef('m.user_id', '=', 'r.user_id'))
      .select((eb) => ['r.group_id', eb.fn.countAll<number>().as('count')])
      .where('r.user_id', '=', userId)
      .where('r.read_at', 'is', null)
      .groupBy('r.group_id')
      .orderBy('r.group_id')
      .execute();
    return rows.map((r) => ({ group_id: r.group_id, count: Number(r.count) }));
  }

  contacts(announcementId: string, filter: RecipientFilter): Promise<Contact[]> {
    return this.contactsWithin(this.db, announcementId, filter);
  }

  private async contactsWithin(db: Kysely<Database>, announcementId: string, filter: RecipientFilter): Promise<Contact[]> {
    let query = db
      .selectFrom('announcement_recipients as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .leftJoin('memberships as m', (join) => join.onRef('m.group_id', '=', 'r.group_id').onRef('m.user_id', '=', 'r.user_id'))
      .select(['r.user_id', 'u.name', 'u.email', 'm.mail_delivery'])
      .where('r.announcement_id', '=', announcementId);
    if (filter.kind === 'unread') {
      query = query.where('r.read_at', 'is', null);
      if (filter.belowRound !== undefined) query = query.where('r.reminders_sent', '<', filter.belowRound);
    } else if (filter.kind === 'unanswered') {
      query = query.where('r.answered_at', 'is', null);
    }
    const rows = await query.orderBy('r.user_id').execute();
    return rows.map((r) => ({ user_id: r.user_id, name: r.name, email: r.email, mail_delivery: r.mail_delivery }));
  }

  async markReminded(announcementId: string, userIds: readonly string[], round: number): Promise<void> {
    for (const ids of chunk([...userIds], this.maxParameters - 3)) {
      await this.db
        .updateTable('announcement_recipients')
        .set({ reminders_sent: round })
        .where('announcement_id', '=', announcementId)
        .where('user_id', 'in', ids)
        .where('reminders_sent', '<', round)
        .execute();
    }
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

  async createAttachment(attachment: Attachment): Promise<Attachment> {
    const row = pick(attachment, ATTACHMENT_COLUMNS);
    await this.db.insertInto('announcement_attachments').values(row).execute();
    return row;
  }

  async findAttachment(id: string): Promise<Attachment | undefined> {
    return this.db.selectFrom('announcement_attachments').select(ATTACHMENT_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  async listAttachments(announcementIds: readonly string[]): Promise<Attachment[]> {
    const out: Attachment[] = [];
    for (const ids of chunk([...new Set(announcementIds)], this.maxParameters)) {
      out.push(...(await this.db
        .selectFrom('announcement_attachments')
        .select(ATTACHMENT_COLUMNS)
        .where('announcement_id', 'in', ids)
        .orderBy('created_at')
        .orderBy('id')
        .execute()));
    }
    return out;
  }

  async deleteUnclaimedAttachments(before: number): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('announcement_attachments')
      .where('announcement_id', 'is', null)
      .where('created_at', '<', before)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async getMailDelivery(groupId: string, userId: string): Promise<MailDelivery | undefined> {
    const row = await this.db
      .selectFrom('memberships')
      .select('mail_delivery')
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.mail_delivery;
  }

  async setMailDelivery(groupId: string, userId: string, delivery: MailDelivery): Promise<boolean> {
    const result = await this.db
      .updateTable('memberships')
      .set({ mail_delivery: delivery })
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
