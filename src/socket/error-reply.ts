import type { Logger } from 'pino';
import { isAppError } from '../domain/app-error.ts';
import { ERROR_CODES, PHOENIX_REASONS } from '../domain/error-codes.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';

/**
 * The `response` of an error reply: `{reason, message, ...details}`. `reason` is the error code
 * (Phoenix's own wording for `unmatched topic` and `too many channels joined`). Anything that is
 * not an AppError or ProtocolError is a bug: logged, and answered as `internal` without detail.
 */
export function errorResponse(err: unknown, logger: Logger, context: Record<string, unknown>): Record<string, unknown> {
  if (isAppError(err)) return { ...err.details, reason: PHOENIX_REASONS[err.code] ?? err.code, message: err.message };
  if (err instanceof ProtocolError) return { reason: err.reason, message: err.message };
  logger.error({ err, ...context }, 'socket: unexpected error while handling a frame');
  return { reason: 'internal', message: ERROR_CODES.internal.message };
}
