import type { Kysely, Selectable, Transaction } from 'kysely';
import { AppError } from '../../domain/app-error.ts';
import type { AppendResult, MessageRepository } from '../../domain/store.ts';
import type { Message, NewMessage } from '../../domain/types.ts';
import { chunk, insertInChunks } from './insert-in-chunks.ts';
import type { StoreDatabase } from './kysely-store.ts';
import type { Database, MessagesTable } from './schema.ts';
import { isUniqueViolation, UNIQUE_KEYS } from './unique-violation.ts';

const MESSAGE_COLUMNS = [
  'id', 'room_id', 'seq', 'author_id', 'body', 'reply_to', 'mentions', 'client_id', 'created_at', 'edited_at', 'deleted_at',
] as const;

type MessageRow = Selectable<MessagesTable>;
type KeyedMessage = NewMessage & { client_id: string };

/** What one input of a batch resolves to: a message stored before, or one of this batch. */
type Outcome = { stored: Message } | { fresh: number; created: boolean };

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    room_id: row.room_id,
    seq: row.seq,
    author_id: row.author_id,
    body: row.body,
    reply_to: row.reply_to,
    mentions: JSON.parse(row.mentions) as string[],
    client_id: row.client_id,
    created_at: row.created_at,
    edited_at: row.edited_at,
    deleted_at: row.deleted_at,
  };
}

/** The idempotency key: unambiguous whatever characters the parts hold. */
function clientKey(m: { room_id: string; author_id: string; client_id: string }): string {
  return JSON.stringify([m.room_id, m.author_id, m.client_id]);
}

function hasClientId(m: NewMessage): m is KeyedMessage {
  return m.client_id !== null;
}

/**
 * Messages. Appending takes seqs by incrementing `rooms.last_seq` in the same transaction as
 * the insert: on PostgreSQL the updated row stays locked until commit, so writers of a room
 * queue there and a rolled back append gives its seq back. A batch costs a fixed number of
 * statements (idempotency lookup, seq update, insert, each split only at the parameter
 * limit), never one per message.
 */
export class KyselyMessageRepository implements MessageRepository {
  private readonly db: Kysely<Database>;
  private readonly maxParameters: number;
  private readonly supportsForUpdate: boolean;

  constructor(database: StoreDatabase) {
    this.db = database.db;
    this.maxParameters = database.maxParameters;
    this.supportsForUpdate = database.supportsForUpdate;
  }

  async append(message: NewMessage): Promise<AppendResult> {
    const [result] = await this.appendMany([message]);
    return result!;
  }

  /**
   * One transaction for the whole batch; throws AppError('room_not_found') (storing nothing)
   * when a room does not exist. A client_id this author already used in the room, before or
   * earlier in the batch, yields that first message with created=false.
   *
   * The lookup runs before the room is locked, so two writers of the same key can both miss
   * it; the second then hits the unique index, and the batch is redone in a new transaction,
   * where the lookup finds the committed row. Each redo settles at least one key, which bounds
   * the redos by the number of distinct keys.
   */
  async appendMany(messages: NewMessage[]): Promise<AppendResult[]> {
    if (messages.length === 0) return [];
    const maxRedos = new Set(messages.filter(hasClientId).map(clientKey)).size;
    for (let redo = 0; ; redo++) {
      try {
        return await this.db.transaction().execute((trx) => this.appendIn(trx, messages));
      } catch (error) {
        if (redo >= maxRedos || !isUniqueViolation(error, UNIQUE_KEYS.messageClientId)) throw error;
      }
    }
  }

  private async appendIn(trx: Transaction<Database>, messages: NewMessage[]): Promise<AppendResult[]> {
    const stored = await this.findByClientKeys(trx, messages.filter(hasClientId));
    const fresh: NewMessage[] = [];
    const freshByKey = new Map<string, number>();
    const outcomes = messages.map((m): Outcome => {
      if (!hasClientId(m)) return { fresh: fresh.push(m) - 1, created: true };
      const key = clientKey(m);
      const before = stored.get(key);
      if (before) return { stored: before };
      const earlier = freshByKey.get(key);
      if (earlier !== undefined) return { fresh: earlier, created: false };
      freshByKey.set(key, fresh.length);
      return { fresh: fresh.push(m) - 1, created: true };
    });
    const seqs = await this.takeSeqs(trx, fresh);
    const created = fresh.map((m, i): Message => ({
      id: m.id,
      room_id: m.room_id,
      seq: seqs[i]!,
      author_id: m.author_id,
      body: m.body,
      reply_to: m.reply_to,
      mentions: [...m.mentions],
      client_id: m.client_id,
      created_at: m.created_at,
      edited_at: null,
      deleted_at: null,
    }));
    const rows = created.map(({ edited_at: _e, deleted_at: _d, ...m }) => ({ ...m, mentions: JSON.stringify(m.mentions) }));
    await insertInChunks(trx, 'messages', rows, this.maxParameters);
    return outcomes.map((o) => ('stored' in o ? { message: o.stored, created: false } : { message: created[o.fresh]!, created: o.created }));
  }

  /** Messages already stored under any of these keys, by key. Grouped by (room, author), so
   *  each OR branch is one seek on the unique index. */
  private async findByClientKeys(trx: Transaction<Database>, keyed: KeyedMessage[]): Promise<Map<string, Message>> {
    const found = new Map<string, Message>();
    // At most three parameters per key (room, author, client_id), fewer when grouped.
    for (const part of chunk(keyed, Math.floor(this.maxParameters / 3))) {
      const byAuthor = new Map<string, { room_id: string; author_id: string; client_ids: string[] }>();
      for (const m of part) {
        const pair = JSON.stringify([m.room_id, m.author_id]);
        const group = byAuthor.get(pair) ?? { room_id: m.room_id, author_id: m.author_id, client_ids: [] };
        group.client_ids.push(m.client_id);
        byAuthor.set(pair, group);
      }
      const rows = await trx
        .selectFrom('messages')
        .select(MESSAGE_COLUMNS)
        .where((eb) =>
          eb.or(
            [...byAuthor.values()].map((g) =>
              eb.and([eb('room_id', '=', g.room_id), eb('author_id', '=', g.author_id), eb('client_id', 'in', g.client_ids)]),
            ),
          ),
        )
        .execute();
      for (const row of rows) {
        if (row.client_id !== null) found.set(clientKey({ ...row, client_id: row.client_id }), toMessage(row));
      }
    }
    return found;
  }

  /**
   * Reserves consecutive seqs per room for `fresh`, in order, by one UPDATE per chunk of
   * rooms. With several rooms on PostgreSQL, their rows are first locked in id order, so two
   * batches over the same rooms queue instead of deadlocking.
   */
  private async takeSeqs(trx: Transaction<Database>, fresh: NewMessage[]): Promise<number[]> {
    const counts = new Map<string, number>();
    for (const m of fresh) counts.set(m.room_id, (counts.get(m.room_id) ?? 0) + 1);
    const next = new Map<string, number>();
    // Two parameters per room: its id in the CASE and in the IN list; the counts are literals.
    for (const roomIds of chunk([...counts.keys()].sort(), Math.floor(this.maxParameters / 2))) {
      if (this.supportsForUpdate && roomIds.length > 1) {
        await trx.selectFrom('rooms').select('id').where('id', 'in', roomIds).orderBy('id').forUpdate().execute();
      }
      const updated = await trx
        .updateTable('rooms')
        .set((eb) => {
          let increment = eb.case('id').when(roomIds[0]!).then(eb.lit(counts.get(roomIds[0]!)!));
          for (const id of roomIds.slice(1)) increment = increment.when(id).then(eb.lit(counts.get(id)!));
          return { last_seq: eb('last_seq', '+', increment.end()) };
        })
        .where('id', 'in', roomIds)
        .returning(['id', 'last_seq'])
        .execute();
      for (const { id, last_seq } of updated) next.set(id, last_seq - counts.get(id)! + 1);
      if (updated.length !== roomIds.length) {
        const missing = roomIds.filter((id) => !next.has(id));
        throw new AppError('room_not_found', `No such room: ${missing.join(', ')}`);
      }
    }
    return fresh.map((m) => {
      const seq = next.get(m.room_id)!;
      next.set(m.room_id, seq + 1);
      return seq;
    });
  }

  async findById(id: string): Promise<Message | undefined> {
    const row = await this.db.selectFrom('messages').select(MESSAGE_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toMessage(row);
  }

  async range(roomId: string, opts: { afterSeq?: number; beforeSeq?: number; limit: number }): Promise<Message[]> {
    const limit = Math.floor(opts.limit);
    if (!(limit >= 1)) return [];
    let query = this.db.selectFrom('messages').select(MESSAGE_COLUMNS).where('room_id', '=', roomId);
    if (opts.afterSeq !== undefined) query = query.where('seq', '>', opts.afterSeq);
    if (opts.beforeSeq !== undefined) query = query.where('seq', '<', opts.beforeSeq);
    // Without afterSeq the newest `limit` are wanted: read them newest first, hand them out ascending.
    const newestFirst = opts.afterSeq === undefined;
    const rows = await query.orderBy('seq', newestFirst ? 'desc' : 'asc').limit(limit).execute();
    if (newestFirst) rows.reverse();
    return rows.map(toMessage);
  }

  /** A tombstone is never revived: editing a deleted message changes nothing and returns undefined. */
  async edit(id: string, body: string, mentions: string[], at: number): Promise<Message | undefined> {
    const row = await this.db
      .updateTable('messages')
      .set({ body, mentions: JSON.stringify(mentions), edited_at: at })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .returning(MESSAGE_COLUMNS)
      .executeTakeFirst();
    return row && toMessage(row);
  }

  /** Clears body and mentions; deleting again keeps the first `deleted_at`. */
  async markDeleted(id: string, at: number): Promise<Message | undefined> {
    const row = await this.db
      .updateTable('messages')
      .set((eb) => ({ body: '', mentions: '[]', deleted_at: eb.fn.coalesce('deleted_at', eb.val(at)) }))
      .where('id', '=', id)
      .returning(MESSAGE_COLUMNS)
      .executeTakeFirst();
    return row && toMessage(row);
  }
}
