import { Kysely, PostgresDialect } from 'kysely';
import { QueryTimer } from './query-timer.ts';
import pg from 'pg';
import type { StoreDatabase } from './store-database.ts';
import type { Database } from './schema.ts';
import { unavailableAsAppError } from './unavailable-pool.ts';

/** The wire protocol's limit: a Bind message counts its parameters in 16 bits. */
const POSTGRES_MAX_PARAMETERS = 65_535;

const INT8_OID = 20;

/** Timestamps and seqs are int8; pg returns them as strings unless told otherwise. They are
 *  epoch ms and counters, far below 2^53, and a value that is not is refused, not rounded. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} does not fit a JavaScript number`);
  return value;
}

/** Per pool, not pg.types.setTypeParser: nothing global is patched. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A pg Pool for the store. An idle client that loses its connection is dropped by the pool
 * and the next query reports the outage; the listener only keeps that event from crashing
 * the process. Queries that fail because the database is away throw AppError('unavailable').
 */
export function openPostgresDatabase(connectionString: string): StoreDatabase {
  const pool = new pg.Pool({ connectionString, types });
  pool.on('error', () => {});
  const queries = new QueryTimer();
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: unavailableAsAppError(pool) }), log: queries.log }),
    dialect: 'postgres',
    maxParameters: POSTGRES_MAX_PARAMETERS,
    supportsForUpdate: true,
    sharedAcrossNodes: true,
    queries,
  };
}
