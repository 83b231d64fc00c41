import { sql, type Kysely, type Selectable } from 'kysely';
import { AppError } from '../../domain/app-error.ts';
import type { AppendResult, MessageRepository } from '../../domain/store.ts';
import type { Message, NewMessage } from '../../domain/types.ts';
import type { AppendThread } from './append-thread.ts';
import { toColumns, type MessageColumns } from './message-columns.ts';
import type { Database, MessagesTable } from './schema.ts';
import type { StoreDatabase } from './store-database.ts';
import { isUniqueViolation, UNIQUE_KEYS } from './unique-violation.ts';

const MESSAGE_COLUMNS = [
  'id', 'room_id', 'seq', 'author_id', 'body', 'reply_to', 'mentions', 'client_id', 'created_at', 'edited_at', 'deleted_at',
] as const;

type MessageRow = Selectable<MessagesTable>;

/** PostgreSQL names the foreign key of messages.room_id so (0001-core.ts declares it inline). */
const ROOM_FOREIGN_KEY = 'messages_room_id_fkey';
const PG_FOREIGN_KEY_VIOLATION = '23503';

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

/** The message a fresh input becomes once it has its seq. */
function created(m: NewMessage, seq: number): Message {
  return {
    id: m.id,
    room_id: m.room_id,
    seq,
    author_id: m.author_id,
    body: m.body,
    reply_to: m.reply_to,
    mentions: [...m.mentions],
    client_id: m.client_id,
    created_at: m.created_at,
    edited_at: null,
    deleted_at: null,
  };
}

/** The idempotency key: unambiguous whatever characters the parts hold. */
function clientKey(m: { room_id: string; author_id: string; client_id: string }): string {
  return `${m.room_id.length}:${m.room_id}${m.author_id.length}:${m.author_id}${m.client_id}`;
}

/**
 * A batch with its repeats taken out: `candidates` holds each input whose client_id (if any)
 * is its first use in the batch; input i is candidate `slot[i]`, or a repeat of it when
 * `repeat[i]`. Only candidates go to the database; a repeat answers what its first did, with
 * created=false.
 */
interface Deduplicated {
  candidates: NewMessage[];
  slot: number[];
  repeat: boolean[];
}

function deduplicate(messages: readonly NewMessage[]): Deduplicated {
  const candidates: NewMessage[] = [];
  const slot: number[] = [];
  const repeat: boolean[] = [];
  let firstByKey: Map<string, number> | undefined;
  for (const m of messages) {
    if (m.client_id !== null) {
      firstByKey ??= new Map();
      const key = clientKey({ room_id: m.room_id, author_id: m.author_id, client_id: m.client_id });
      const first = firstByKey.get(key);
      if (first !== undefined) {
        slot.push(first);
        repeat.push(true);
        continue;
      }
      firstByKey.set(key, candidates.length);
    }
    slot.push(candidates.push(m) - 1);
    repeat.push(false);
  }
  return { candidates, slot, repeat };
}

function answer(batch: Deduplicated, resolved: AppendResult[]): AppendResult[] {
  return batch.slot.map((s, i) => (batch.repeat[i] ? { message: resolved[s]!.message, created: false } : resolved[s]!));
}

/**
 * Appends a batch of candidates (no client key twice; `columns` holds the same) in one
 * transaction and answers one result per candidate: the message stored before under its
 * key, or the new one.
 */
interface AppendPath {
  appendCandidates(candidates: NewMessage[], columns: MessageColumns): Promise<AppendResult[]>;
  warmUp?(): void;
}

/**
 * Messages. Appending takes seqs by advancing `rooms.last_seq` once per room per batch, in
 * the same transaction as the inserts, so seqs rise by one per room with no gap or repeat and
 * a rolled back batch gives its seqs back. The append is the hot path (every push waits for
 * it) and is written per dialect without the query builder: prepared statements in one
 * transaction on SQLite's append thread, one statement (one round trip) on PostgreSQL.
 */
export class KyselyMessageRepository implements MessageRepository {
  private readonly db: Kysely<Database>;
  private readonly path: AppendPath;

  constructor(database: StoreDatabase) {
    this.db = database.db;
    if (database.appendThread) {
      this.path = new ThreadAppendPath(database.appendThread);
    } else if (database.dialect === 'postgres') {
      this.path = new PostgresAppendPath(database.db);
    } else {
      throw new Error('A SQLite store database comes with its append thread: open it with openSqliteDatabase');
    }
  }

  warmUp(): void {
    this.path.warmUp?.();
  }

  async append(message: NewMessage): Promise<AppendResult> {
    const [result] = await this.appendMany([message]);
    return result!;
  }

  /**
   * One transaction for the whole batch; throws AppError('room_not_found') (storing nothing)
   * when a room does not exist. A client_id this author already used in the room, before or
   * earlier in the batch, yields that first message with created=false.
   */
  async appendMany(messages: NewMessage[]): Promise<AppendResult[]> {
    if (messages.length === 0) return [];
    const batch = deduplicate(messages);
    return answer(batch, await this.path.appendCandidates(batch.candidates, toColumns(batch.candidates)));
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

/**
 * SQLite: the batch goes to the store's append thread (sqlite-append-worker.ts), which runs it
 * as prepared statements in one transaction and fsyncs the commit there, off the event loop.
 * It answers per candidate a new seq or the row stored before under its key.
 */
class ThreadAppendPath implements AppendPath {
  private readonly thread: AppendThread;

  constructor(thread: AppendThread) {
    this.thread = thread;
  }

  warmUp(): void {
    this.thread.warmUp();
  }

  async appendCandidates(candidates: NewMessage[], columns: MessageColumns): Promise<AppendResult[]> {
    const response = await this.thread.append(columns);
    if ('missingRooms' in response) throw new AppError('room_not_found', `No such room: ${response.missingRooms.join(', ')}`);
    if ('failure' in response) throw Object.assign(new Error(response.failure.message), response.failure.code ? { code: response.failure.code } : {});
    return response.outcomes.map((outcome, i) =>
      typeof outcome === 'number' ? { message: created(candidates[i]!, outcome), created: true } : { message: toMessage(outcome), created: false },
    );
  }
}

/** A row the PostgreSQL append answers: a message stored before under a candidate's key
 *  (`ord` is the candidate's 1-based place), or one just inserted (`ord` null, id and seq only). */
type PostgresAppendRow = { ord: number | null } & MessageRow;

/**
 * PostgreSQL: the whole batch is one statement, so one round trip and its own transaction.
 * The candidates travel as their columns (unnest: eight parameters whatever the batch size).
 * In order it finds the messages stored before under the candidates' keys, counts the rest per
 * room, locks those rooms in id order (two batches over the same rooms queue instead of
 * deadlocking; writers of a room on other nodes queue on its row, and the UPDATE then reads
 * the committed last_seq), advances each room's last_seq once, and inserts the rest numbered
 * from there. A missing room leaves its messages to fail the foreign key, which fails the
 * statement: room_not_found, nothing stored.
 *
 * Two writers of the same new key can both miss it in the lookup; the second then hits the
 * unique index and the batch is redone, when the lookup finds the committed row. Each redo
 * settles at least one key, which bounds the redos by the number of keys.
 */
class PostgresAppendPath implements AppendPath {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async appendCandidates(candidates: NewMessage[], columns: MessageColumns): Promise<AppendResult[]> {
    const maxRedos = candidates.filter((m) => m.client_id !== null).length;
    for (let redo = 0; ; redo++) {
      try {
        return await this.appendOnce(candidates, columns);
      } catch (error) {
        if (isForeignKeyViolation(error, ROOM_FOREIGN_KEY)) throw new AppError('room_not_found', 'No such room in this batch');
        if (redo >= maxRedos || !isUniqueViolation(error, UNIQUE_KEYS.messageClientId)) throw error;
      }
    }
  }

  private async appendOnce(candidates: NewMessage[], columns: MessageColumns): Promise<AppendResult[]> {
    const { ids, rooms, authors, bodies, replies, mentions, clientIds, createdAts } = columns;
    const { rows } = await sql<PostgresAppendRow>`
      with input as (
        select * from unnest(${ids}::text[], ${rooms}::text[], ${authors}::text[], ${bodies}::text[],
                             ${replies}::text[], ${mentions}::text[], ${clientIds}::text[], ${createdAts}::int8[])
          with ordinality as t(id, room_id, author_id, body, reply_to, mentions, client_id, created_at, ord)
      ),
      existing as (
        select i.ord, m.*
        from input i
        cross join lateral (
          select ${sql.join(MESSAGE_COLUMNS.map((c) => sql.ref(`messages.${c}`)))} from messages
          where messages.room_id = i.room_id and messages.author_id = i.author_id
            and messages.client_id = i.client_id and messages.client_id is not null
        ) m
        where i.client_id is not null
      ),
      fresh as (select i.* from input i where not exists (select 1 from existing e where e.ord = i.ord)),
      counts as (select room_id, count(*) as n from fresh group by room_id),
      locked as materialized (
        select r.id from rooms r where r.id in (select room_id from counts) order by r.id for no key update
      ),
      bumped as (
        update rooms r set last_seq = r.last_seq + c.n
        from counts c join locked l on l.id = c.room_id
        where r.id = c.room_id
        returning r.id, r.last_seq - c.n as base
      ),
      numbered as (
        select f.*, coalesce(b.base, 0) + row_number() over (partition by f.room_id order by f.ord) as seq
        from fresh f left join bumped b on b.id = f.room_id
      ),
      inserted as (
        insert into messages (id, room_id, seq, author_id, body, reply_to, mentions, client_id, created_at)
        select id, room_id, seq, author_id, body, reply_to, mentions, client_id, created_at from numbered
        returning id, seq
      )
      select e.ord, e.id, e.room_id, e.seq, e.author_id, e.body, e.reply_to, e.mentions, e.client_id, e.created_at, e.edited_at, e.deleted_at
      from existing e
      union all
      select null, i.id, null, i.seq, null, null, null, null, null, null, null, null
      from inserted i
    `.execute(this.db);
    const results = new Array<AppendResult>(candidates.length);
    let indexById: Map<string, number> | undefined;
    for (const row of rows) {
      if (row.ord !== null) {
        results[row.ord - 1] = { message: toMessage(row), created: false };
      } else {
        indexById ??= new Map(ids.map((id, i) => [id, i]));
        const i = indexById.get(row.id)!;
        results[i] = { message: created(candidates[i]!, row.seq), created: true };
      }
    }
    return results;
  }
}

/** pg's error for a foreign key, by the constraint's name. */
function isForeignKeyViolation(error: unknown, constraint: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint: name } = error as { code?: unknown; constraint?: unknown };
  return code === PG_FOREIGN_KEY_VIOLATION && name === constraint;
}
