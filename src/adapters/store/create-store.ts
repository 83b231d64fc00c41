import { join, resolve } from 'node:path';
import type { Store } from '../../domain/store.ts';
import { KyselyStore } from './kysely-store.ts';
import { openPostgresDatabase } from './postgres-database.ts';
import { openSqliteDatabase } from './sqlite-database.ts';

const SQLITE_FILE = 'renraku.sqlite3';

const VALID_FORMS =
  `"" (SQLite at <dataDir>/${SQLITE_FILE}), "sqlite:<path>", "postgres://…" or "postgresql://…"`;

/**
 * Opens the store the database URL names: SQLite when it is empty or `sqlite:<path>`,
 * PostgreSQL for `postgres://` and `postgresql://`. Does not migrate: call `store.migrate()`.
 */
export async function createStore(opts: { databaseUrl?: string; dataDir: string }): Promise<Store> {
  const url = opts.databaseUrl ?? '';
  if (url === '') return new KyselyStore(openSqliteDatabase(join(resolve(opts.dataDir), SQLITE_FILE)));
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new Error(`databaseUrl "sqlite:" names no file; valid forms: ${VALID_FORMS}`);
    return new KyselyStore(openSqliteDatabase(resolve(path)));
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return new KyselyStore(openPostgresDatabase(url));
  }
  // Only the scheme is echoed: the rest of a URL may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(no scheme)';
  throw new Error(`Unsupported databaseUrl scheme ${scheme}; valid forms: ${VALID_FORMS}`);
}
