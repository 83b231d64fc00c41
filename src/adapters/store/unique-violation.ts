/**
 * Recognises "this unique key already exists" from either driver, for one named key, so a
 * repository can turn exactly that conflict into an AppError and let anything else (a bug)
 * through. Drivers are described by the fields we read, not imported.
 */
export interface UniqueKey {
  /** index name, as PostgreSQL reports it in `constraint` */
  readonly index: string;
  readonly table: string;
  /** as SQLite lists them in its message: `UNIQUE constraint failed: t.a, t.b` */
  readonly columns: readonly string[];
}

/** The unique keys repositories map to domain errors or recover from (see 0001-core.ts). */
export const UNIQUE_KEYS = {
  userEmail: { index: 'users_email_lower_key', table: 'users', columns: ['email_lower'] },
  groupSlug: { index: 'groups_slug_key', table: 'groups', columns: ['slug'] },
  messageClientId: { index: 'messages_room_author_client_id_key', table: 'messages', columns: ['room_id', 'author_id', 'client_id'] },
} as const satisfies Record<string, UniqueKey>;

const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const PG_UNIQUE_VIOLATION = '23505';

/** A driver error shape: better-sqlite3's SqliteError and pg's DatabaseError both fit. */
interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

export function isUniqueViolation(error: unknown, key: UniqueKey): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint, message } = error as DriverError;
  if (code === PG_UNIQUE_VIOLATION) return constraint === key.index;
  if (typeof code === 'string' && SQLITE_UNIQUE_CODES.has(code) && typeof message === 'string') {
    const columns = key.columns.map((column) => `${key.table}.${column}`).join(', ');
    return message.endsWith(`constraint failed: ${columns}`);
  }
  return false;
}
