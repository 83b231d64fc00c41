import type { Kysely, Selectable } from 'kysely';
import type { ListRepository } from '../../lists/list-repository.ts';
import {
  DEFAULT_LIST_SETTINGS, type ListAttachment, type ListPost, type ListPostReason, type ListPostStatus, type ListRecipient, type ListSettings, type NewListPost,
} from '../../lists/types.ts';
import type { MailDelivery } from '../../shared/mail-delivery.ts';
import { chunk } from './insert-in-chunks.ts';
import { KyselyMailDeliveryRepository } from './mail-delivery-repository.ts';
import type { ListAttachmentsTable, ListPostsTable, ListSettingsTable } from './mailing-list-tables.ts';
import type { Database } from './schema.ts';
import type { StoreDatabase } from './store-database.ts';

function toSettings(groupId: string, row: Selectable<ListSettingsTable> | undefined): ListSettings {
  if (row === undefined) return { group_id: groupId, ...DEFAULT_LIST_SETTINGS, room_id: null, updated_at: 0 };
  return { group_id: row.group_id, mode: row.mode, from_rewrite: row.from_rewrite === 1, time_zone: row.time_zone, room_id: row.room_id, updated_at: Number(row.updated_at) };
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function toPost(row: Selectable<ListPostsTable>): ListPost {
  const { thread_references, reason, ...rest } = row;
  return {
    ...rest,
    reason: reason as ListPostReason | null,
    references: thread_references,
    decided_at: num(row.decided_at),
    published_at: num(row.published_at),
    created_at: Number(row.created_at),
  };
}

function toAttachment(row: Selectable<ListAttachmentsTable>): ListAttachment {
  return { ...row, size: Number(row.size), created_at: Number(row.created_at) };
}

/** The mailing list over Kysely, one implementation for SQLite and PostgreSQL. */
export class KyselyListRepository implements ListRepository {
  private readonly db: Kysely<Database>;
  private readonly maxParameters: number;
  private readonly mailDelivery: KyselyMailDeliveryRepository;

  constructor(database: StoreDatabase) {
    this.db = database.db;
    this.maxParameters = database.maxParameters;
    this.mailDelivery = new KyselyMailDeliveryRepository(database.db);
  }

  async getSettings(groupId: string): Promise<ListSettings> {
    const row = await this.db.selectFrom('list_settings').selectAll().where('group_id', '=', groupId).executeTakeFirst();
    return toSettings(groupId, row);
  }

  async putSettings(groupId: string, patch: Partial<Pick<ListSettings, 'mode' | 'from_rewrite' | 'time_zone'>>, at: number): Promise<ListSettings> {
    const current = await this.getSettings(groupId);
    const next = { ...current, ...patch, updated_at: at };
    const columns = { mode: next.mode, from_rewrite: next.from_rewrite ? 1 : 0, time_zone: next.time_zone, updated_at: at };
    await this.db
      .insertInto('list_settings')
      .values({ group_id: groupId, ...columns, room_id: null })
      .onConflict((oc) => oc.column('group_id').doUpdateSet(columns))
      .execute();
    return this.getSettings(groupId);
  }

  async claimRoom(groupId: string, roomId: string, at: number): Promise<string> {
    await this.db
      .insertInto('list_settings')
      .values({ group_id: groupId, mode: DEFAULT_LIST_SETTINGS.mode, from_rewrite: DEFAULT_LIST_SETTINGS.from_rewrite ? 1 : 0, time_zone: DEFAULT_LIST_SETTINGS.time_zone, room_id: roomId, updated_at: at })
      .onConflict((oc) => oc.column('group_id').doNothing())
      .execute();
    await this.db.updateTable('list_settings').set({ room_id: roomId }).where('group_id', '=', groupId).where('room_id', 'is', null).execute();
    const row = await this.db.selectFrom('list_settings').select('room_id').where('group_id', '=', groupId).executeTakeFirstOrThrow();
    return row.room_id ?? roomId;
  }

  async getSelfCopy(groupId: string, userId: string): Promise<boolean> {
    const row = await this.db.selectFrom('list_member_settings').select('self_copy').where('group_id', '=', groupId).where('user_id', '=', userId).executeTakeFirst();
    return row === undefined || row.self_copy === 1;
  }

  async setSelfCopy(groupId: string, userId: string, selfCopy: boolean): Promise<void> {
    const self_copy = selfCopy ? 1 : 0;
    await this.db
      .insertInto('list_member_settings')
      .values({ group_id: groupId, user_id: userId, self_copy })
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doUpdateSet({ self_copy }))
      .execute();
  }

  getDelivery(groupId: string, userId: string): Promise<MailDelivery | undefined> {
    return this.mailDelivery.find(groupId, userId);
  }

  setDelivery(groupId: string, userId: string, delivery: MailDelivery): Promise<boolean> {
    return this.mailDelivery.set(groupId, userId, delivery);
  }

  async listRecipients(groupId: string): Promise<ListRecipient[]> {
    const rows = await this.db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .leftJoin('list_member_settings as s', (join) => join.onRef('s.group_id', '=', 'm.group_id').onRef('s.user_id', '=', 'm.user_id'))
      .select(['m.user_id', 'u.name', 'u.email', 'm.mail_delivery', 's.self_copy'])
      .where('m.group_id', '=', groupId)
      .orderBy('m.user_id')
      .execute();
    return rows.map((r) => ({ user_id: r.user_id, name: r.name, email: r.email, delivery: r.mail_delivery, self_copy: r.self_copy === null || r.self_copy === 1 }));
  }

  async insertPost(post: NewListPost, attachments: ListAttachment[]): Promise<{ post: ListPost; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const { references, ...rest } = post;
      const inserted = await trx
        .insertInto('list_posts')
        .values({ ...rest, thread_references: references, room_message_id: null, decided_by: null, decided_at: null })
        .onConflict((oc) => oc.columns(['inbound_id', 'group_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) {
        const existing = await trx.selectFrom('list_posts').selectAll().where('inbound_id', '=', post.inbound_id).where('group_id', '=', post.group_id).executeTakeFirstOrThrow();
        return { post: toPost(existing), created: false };
      }
      for (const batch of chunk(attachments, Math.floor(this.maxParameters / 6))) {
        if (batch.length > 0) await trx.insertInto('list_attachments').values(batch).execute();
      }
      const row = await trx.selectFrom('list_posts').selectAll().where('id', '=', post.id).executeTakeFirstOrThrow();
      return { post: toPost(row), created: true };
    });
  }

  async findPost(id: string): Promise<ListPost | undefined> {
    const row = await this.db.selectFrom('list_posts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPost(row);
  }

  async listPosts(groupId: string, status: ListPostStatus, opts: { before?: string; limit: number }): Promise<ListPost[]> {
    let query = this.db.selectFrom('list_posts').selectAll().where('group_id', '=', groupId).where('status', '=', status);
    if (opts.before !== undefined) query = query.where('id', '<', opts.before);
    const rows = await query.orderBy('id', 'desc').limit(opts.limit).execute();
    return rows.map(toPost);
  }

  async decide(id: string, to: 'published' | 'rejected', by: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('list_posts')
      .set({ status: to, decided_by: by, decided_at: at, ...(to === 'published' ? { published_at: at } : {}) })
      .where('id', '=', id)
      .where('status', '=', 'held')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async setRoomMessage(postId: string, roomMessageId: string): Promise<void> {
    await this.db.updateTable('list_posts').set({ room_message_id: roomMessageId }).where('id', '=', postId).execute();
  }

  async publishedBetween(groupId: string, from: number, to: number): Promise<ListPost[]> {
    const rows = await this.db
      .selectFrom('list_posts')
      .selectAll()
      .where('group_id', '=', groupId)
      .where('status', '=', 'published')
      .where('published_at', '>=', from)
      .where('published_at', '<', to)
      .orderBy('published_at')
      .orderBy('id')
      .execute();
    return rows.map(toPost);
  }

  async listAttachments(postIds: string[]): Promise<ListAttachment[]> {
    const out: ListAttachment[] = [];
    for (const ids of chunk(postIds, this.maxParameters)) {
      if (ids.length === 0) continue;
      const rows = await this.db.selectFrom('list_attachments').selectAll().where('post_id', 'in', ids).orderBy('post_id').orderBy('id').execute();
      out.push(...rows.map(toAttachment));
    }
    return out;
  }

  async findAttachment(id: string): Promise<ListAttachment | undefined> {
    const row = await this.db.selectFrom('list_attachments').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAttachment(row);
  }

  async groupsWithDigestReaders(): Promise<string[]> {
    const rows = await this.db.selectFrom('memberships').select('group_id').distinct().where('mail_delivery', '=', 'digest').orderBy('group_id').execute();
    return rows.map((r) => r.group_id);
  }

  async findDigest(groupId: string, day: string): Promise<boolean> {
    const row = await this.db.selectFrom('list_digests').select('day').where('group_id', '=', groupId).where('day', '=', day).executeTakeFirst();
    return row !== undefined;
  }

  async recordDigest(groupId: string, day: string, posts: number, at: number): Promise<boolean> {
    const inserted = await this.db
      .insertInto('list_digests')
      .values({ group_id: groupId, day, posts, created_at: at })
      .onConflict((oc) => oc.columns(['group_id', 'day']).doNothing())
      .returning('day')
      .executeTakeFirst();
    return inserted !== undefined;
  }
}
