import { ERROR_CODES, type ErrorCode } from './error-codes.ts';

/**
 * The one error type the domain throws on purpose. `details` carries data a client can act
 * on (e.g. `field` for validation, `retry_after_ms` for rate limits); anything else thrown is
 * a bug and reported as `internal`.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    const entry = ERROR_CODES[code];
    super(message ?? entry.message);
    this.name = 'AppError';
    this.code = code;
    this.status = entry.status;
    this.details = details;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
