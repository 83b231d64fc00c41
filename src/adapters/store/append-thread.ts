import type { MessageColumns } from './message-columns.ts';
import type { SqliteAppendResponse } from './sqlite-append-worker.ts';

/**
 * A thread of its own that appends message batches, so a commit's fsync blocks it and not the
 * event loop. A dialect module that has one declares it on its StoreDatabase (SQLite: the
 * SqliteAppendThread of sqlite-database.ts); the message repository then appends through it.
 */
export interface AppendThread {
  /** Starts the thread ahead of the first append; optional to call. */
  warmUp(): void;
  /** Appends one batch of candidates (no client key twice) in one transaction; answers in the order sent. */
  append(candidates: MessageColumns): Promise<SqliteAppendResponse>;
}
