import type { Insertable, Transaction } from 'kysely';
import type { Database } from './schema.ts';

/** Splits `items` into runs of at most `size` (the last may be shorter). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError(`chunk size must be at least 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Multi-row INSERTs of `rows` (all with the same columns), as few statements as the
 * dialect's parameter limit allows: a thousand rows cost one or two statements, not a thousand.
 */
export async function insertInChunks<T extends keyof Database>(
  trx: Transaction<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  maxParameters: number,
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const perRow = Math.max(1, Object.keys(first).length);
  for (const part of chunk(rows, Math.floor(maxParameters / perRow))) {
    // Kysely's values() types cannot follow a generic table name; the rows are typed above.
    await trx.insertInto(table).values(part as never).execute();
  }
}
