import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AnnouncementRepository, RecipientFilter } from '../../announcements/announcement-repository.ts';
import type { Answer, Contact, Recipient, RecipientCounts, RecipientStats, RecipientView } from '../../announcements/types.ts';
import { chunk, insertInChunks } from './insert-in-chunks.ts';
import type { AnnouncementRecipientsTable, Database } from './schema.ts';
import type { StoreDatabase } from './store-database.ts';

const RECIPIENT_COLUMNS = ['announcement_id', 'user_id', 'read_at', 'answer', 'answered_at', 'reminders_sent'] as const;

type RecipientRow = Pick<Selectable<AnnouncementRecipientsTable>, (typeof RECIPIENT_COLUMNS)[number]>;

export function toRecipient(row: RecipientRow): Recipient {
  return {
    announcement_id: row.announcement_id,
    user_id: row.user_id,
    read_at: row.read_at,
    answer: row.answer === null ? null : (JSON.parse(row.answer) as Answer),
    answered_at: row.answered_at,
    reminders_sent: row.reminders_sent,
  };
}

type RecipientMethods =
  | 'findRecipient' | 'markRead' | 'saveAnswer' | 'listRecipients' | 'stats' | 'counts' | 'unreadCounts' | 'unreadByGroup'
  | 'contacts' | 'markReminded';

/**
 * The recipients of sent announcements: one row per recipient, written when the announcement
 * is sent (insert, within the send's transaction), then their reads, answers and reminder
 * rounds. Batches of ids are split within the dialect's parameter limit.
 */
export class KyselyAnnouncementRecipientRepository implements Pick<AnnouncementRepository, RecipientMethods> {
  private readonly db: Kysely<Database>;
  private readonly maxParameters: number;

  constructor(database: StoreDatabase) {
    this.db = database.db;
    this.maxParameters = database.maxParameters;
  }

  /** One unread, unanswered row per user (each once), in multi-row INSERTs. */
  async insert(trx: Transaction<Database>, announcementId: string, groupId: string, userIds: readonly string[]): Promise<void> {
    const rows = [...new Set(userIds)].map((user_id) => ({ announcement_id: announcementId, user_id, group_id: groupId, read_at: null, answer: null, answered_at: null }));
    await insertInChunks(trx, 'announcement_recipients', rows, this.maxParameters);
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

  /** contacts() read through `db`: the store's, or a transaction's (the send's mail). */
  async contactsWithin(db: Kysely<Database>, announcementId: string, filter: RecipientFilter): Promise<Contact[]> {
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
}
