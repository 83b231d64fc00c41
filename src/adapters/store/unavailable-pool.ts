import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { AppError } from '../../domain/app-error.ts';

/** Node socket errors that mean "the database cannot be reached". */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True for errors that say the database is away (down, restarting, unreachable), not that the
 * query was wrong: socket errors, SQLSTATE class 08 (connection exception), 57P01–57P03
 * (shutting down, crashed, starting up), and pg's own "Connection terminated" errors.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(error.message);
}

function translate(error: unknown): unknown {
  if (!isUnavailable(error)) return error;
  const unavailable = new AppError('unavailable', 'The database is unavailable; try again (with the same client_id).');
  unavailable.cause = error; // for the logs; never sent to clients
  return unavailable;
}

/**
 * Wraps a pg Pool for Kysely so that an outage surfaces as AppError('unavailable') (HTTP 503, a
 * channel error reply with reason `unavailable`) instead of an internal error: clients retry,
 * and a retried post with the same client_id is answered once, never stored twice.
 */
export function unavailableAsAppError(pool: PostgresPool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: PostgresPoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw translate(error);
      }
      let broken = false;
      function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
      function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
      function query<R>(first: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
        if (typeof first !== 'string') return client.query(first);
        return client.query<R>(first, parameters ?? []).catch((error: unknown) => {
          broken ||= isUnavailable(error);
          throw translate(error);
        });
      }
      // A connection that failed that way is closed, not handed out again after the outage.
      return { query, release: (destroy?: boolean) => client.release(destroy || broken) };
    },
    end: () => pool.end(),
  };
}
