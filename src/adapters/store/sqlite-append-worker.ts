import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { MessageColumns } from './message-columns.ts';
import type { MessagesTable } from './schema.ts';

/**
 * The thread that appends messages to a SQLite store (started by sqlite-database.ts). Its
 * own connection to the same file, WAL with synchronous=FULL like the main one, so every
 * commit is fsynced before it is answered — but the fsync (milliseconds per commit) blocks
 * this thread, not the event loop that serves the sockets. WAL lets the main connection read
 * meanwhile; writes of the two connections queue on SQLite's write lock (busy timeout).
 *
 * A batch is prepared better-sqlite3 statements in one BEGIN IMMEDIATE transaction: per
 * candidate one seek on the client_id index (when it has one) and one INSERT; per room one
 * UPDATE … RETURNING that takes its seqs. The write lock is held from the lookup on, so the
 * lookup cannot race another writer of the same key.
 */

export interface SqliteAppendWorkerData {
  readonly file: string;
  readonly busyTimeoutMs: number;
}

/** A batch to append, or `close`: close the connection and let the thread end. */
export type SqliteAppendRequest =
  | {
      readonly id: number;
      /** No client key twice (the repository took repeats out). */
      readonly candidates: MessageColumns;
    }
  | 'close';

/** Per candidate: its new seq, or the row stored before under its key. */
export type SqliteAppendOutcome = number | MessagesTable;

export type SqliteAppendResponse =
  | { readonly id: number; readonly outcomes: SqliteAppendOutcome[] }
  | { readonly id: number; readonly missingRooms: string[] }
  | { readonly id: number; readonly failure: { readonly message: string; readonly code?: string } };

const COLUMNS = 'id, room_id, seq, author_id, body, reply_to, mentions, client_id, created_at, edited_at, deleted_at';

/** Thrown inside the transaction so that better-sqlite3 rolls it back. */
class MissingRooms extends Error {
  readonly rooms: string[];

  constructor(rooms: string[]) {
    super(`No such room: ${rooms.join(', ')}`);
    this.rooms = rooms;
  }
}

/** The batch writer: prepared statements and one BEGIN IMMEDIATE transaction per batch. */
function prepareWriter(sqlite: BetterSqlite3.Database): (candidates: MessageColumns) => SqliteAppendOutcome[] {
  const findByKey = sqlite.prepare<[string, string, string], MessagesTable>(
    `select ${COLUMNS} from messages where room_id = ? and author_id = ? and client_id = ?`,
  );
  const takeSeqs = sqlite.prepare<[number, string], number>('update rooms set last_seq = last_seq + ? where id = ? returning last_seq').pluck();
  const insert = sqlite.prepare<[string, string, number, string, string, string | null, string, string | null, number]>(
    'insert into messages (id, room_id, seq, author_id, body, reply_to, mentions, client_id, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const write = sqlite.transaction((c: MessageColumns): SqliteAppendOutcome[] => {
    const outcomes = new Array<SqliteAppendOutcome>(c.ids.length);
    const fresh: number[] = [];
    const counts = new Map<string, number>();
    for (let i = 0; i < c.ids.length; i++) {
      const clientId = c.clientIds[i] ?? null;
      if (clientId !== null) {
        const row = findByKey.get(c.rooms[i]!, c.authors[i]!, clientId);
        if (row) {
          outcomes[i] = row;
          continue;
        }
      }
      fresh.push(i);
      counts.set(c.rooms[i]!, (counts.get(c.rooms[i]!) ?? 0) + 1);
    }
    const next = new Map<string, number>();
    const missing: string[] = [];
    for (const [roomId, count] of counts) {
      const last = takeSeqs.get(count, roomId);
      if (last === undefined) missing.push(roomId);
      else next.set(roomId, last - count + 1);
    }
    if (missing.length > 0) throw new MissingRooms(missing);
    for (const i of fresh) {
      const roomId = c.rooms[i]!;
      const seq = next.get(roomId)!;
      next.set(roomId, seq + 1);
      insert.run(c.ids[i]!, roomId, seq, c.authors[i]!, c.bodies[i]!, c.replies[i] ?? null, c.mentions[i]!, c.clientIds[i] ?? null, c.createdAts[i]!);
      outcomes[i] = seq;
    }
    return outcomes;
  });
  return (candidates) => write.immediate(candidates);
}

function start(port: NonNullable<typeof parentPort>, config: SqliteAppendWorkerData): void {
  const sqlite = new BetterSqlite3(config.file);
  const mode: unknown = sqlite.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`SQLite refused journal_mode=WAL for ${config.file} (got ${String(mode)})`);
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${config.busyTimeoutMs}`);
  // Prepared on the first batch: the thread may start before the tables are migrated.
  let write: ((candidates: MessageColumns) => SqliteAppendOutcome[]) | undefined;

  port.on('message', (request: SqliteAppendRequest) => {
    if (request === 'close') {
      sqlite.close();
      port.close();
      return;
    }
    let response: SqliteAppendResponse;
    try {
      write ??= prepareWriter(sqlite);
      response = { id: request.id, outcomes: write(request.candidates) };
    } catch (error) {
      if (error instanceof MissingRooms) {
        response = { id: request.id, missingRooms: error.rooms };
      } else {
        const { message, code } = error as { message?: unknown; code?: unknown };
        response = {
          id: request.id,
          failure: { message: String(message ?? error), ...(typeof code === 'string' ? { code } : {}) },
        };
      }
    }
    port.postMessage(response);
  });
}

if (parentPort) start(parentPort, workerData as SqliteAppendWorkerData);
