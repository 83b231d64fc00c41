import type { Kysely } from 'kysely';
import type { AppendThread } from './append-thread.ts';
import type { QueryTimer } from './query-timer.ts';
import type { Database } from './schema.ts';

/**
 * What a dialect module (sqlite-database.ts, postgres-database.ts) hands the store: a Kysely
 * instance plus the facts about its dialect that change how queries are written. Repositories
 * read these flags; they never ask which driver is underneath.
 */
export interface StoreDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: 'sqlite' | 'postgres';
  /** Most bind parameters one statement may carry; batches are split to stay below it. */
  readonly maxParameters: number;
  /** `SELECT … FOR UPDATE` exists (PostgreSQL). SQLite has one writer at a time and needs no row locks. */
  readonly supportsForUpdate: boolean;
  /** Every node of a cluster opens this same database (a PostgreSQL server); a SQLite file is one process's. */
  readonly sharedAcrossNodes: boolean;
  /** Times every query Kysely runs (metrics); absent for databases opened without one. */
  readonly queries?: QueryTimer;
  /** Message appends run on a thread of their own (SQLite); absent: the repository appends with one statement (PostgreSQL). */
  readonly appendThread?: AppendThread;
}
