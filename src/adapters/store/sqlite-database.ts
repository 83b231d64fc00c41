import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { StoreDatabase } from './kysely-store.ts';
import { withStatementCache } from './statement-cache.ts';
import type { Database } from './schema.ts';

/** How long a statement waits for another process's write lock before SQLITE_BUSY: longer
 *  than any of our transactions, short enough that a stuck lock surfaces as an error. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32 (better-sqlite3 ships 3.4x). */
const SQLITE_MAX_PARAMETERS = 32_766;

/**
 * Opens (creating it and its directory if needed) a SQLite file for the store.
 * WAL lets readers proceed during a write; synchronous=FULL syncs the WAL at every commit,
 * so a message acknowledged after commit survives a power loss, not only a process crash.
 * Kysely drives the single connection through a mutex, so transactions never interleave.
 */
export function openSqliteDatabase(file: string): StoreDatabase {
  mkdirSync(dirname(file), { recursive: true });
  const sqlite = new BetterSqlite3(file);
  try {
    const mode: unknown = sqlite.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused journal_mode=WAL for ${file} (got ${String(mode)})`);
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }),
    dialect: 'sqlite',
    maxParameters: SQLITE_MAX_PARAMETERS,
    supportsForUpdate: false,
  };
}
