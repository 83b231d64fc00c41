import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Distinct SQL texts kept prepared. Our queries are a few dozen shapes; multi-row inserts of
 *  varying sizes add more, so the bound keeps memory flat while the hot shapes stay cached. */
const MAX_CACHED_STATEMENTS = 256;

/**
 * The database as Kysely's SqliteDialect sees it, with prepared statements reused: Kysely asks
 * for `prepare(sql)` on every query, and better-sqlite3 compiles the SQL each time, which costs
 * more than running most of our queries. Safe because Kysely runs one query at a time on the
 * single connection and never streams (a statement is never in use twice at once).
 *
 * Kysely's `begin` is run as `begin immediate`: the message append thread writes through a
 * second connection, and a deferred transaction that reads and then writes after that thread
 * committed would fail with SQLITE_BUSY_SNAPSHOT (the busy timeout does not apply to it);
 * taking the write lock at begin makes it wait for the lock instead.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (text: string) => {
      // Kysely begins transactions DEFERRED; see above.
      const sql = text === 'begin' ? 'begin immediate' : text;
      let statement = cache.get(sql);
      if (statement) {
        // Refresh its place: the Map's insertion order is the eviction order.
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement as unknown as ReturnType<SqliteDatabase['prepare']>;
    },
  };
}
