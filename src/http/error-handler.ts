import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/app-error.ts';
import { ERROR_CODES, type ErrorCode } from '../domain/error-codes.ts';

/** The body of every error answer. */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
  message: string;
  [detail: string]: unknown;
}

export function errorBody(code: ErrorCode, message?: string, details?: Record<string, unknown>): ErrorBody {
  return { ...details, error: code, code, message: message ?? ERROR_CODES[code].message };
}

/**
 * Maps every failure to `{error, code, message}` with the code's declared status: AppError as
 * declared, schema failures as validation_failed naming the field, body parse failures as
 * invalid_json, anything unexpected as internal (logged, never leaked).
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      const retryAfterMs = err.details?.retry_after_ms;
      if (typeof retryAfterMs === 'number') reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
      return reply.status(err.status).send(errorBody(err.code, err.message, err.details));
    }
    if (err.validation) {
      const first = err.validation[0];
      const path = first?.instancePath?.replace(/^\//, '').replace(/\//g, '.') ?? '';
      const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
      const field = missing ? (path ? `${path}.${missing}` : missing) : path || (err.validationContext ?? 'body');
      return reply.status(400).send(errorBody('validation_failed', `${field}: ${first?.message ?? 'invalid'}`, { field, in: err.validationContext }));
    }
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (err.statusCode === 400 && err instanceof SyntaxError)) {
      return reply.status(400).send(errorBody('invalid_json'));
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return reply.status(413).send(errorBody('payload_too_large'));
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415) {
      return reply.status(400).send(errorBody('validation_failed', 'Send JSON with Content-Type: application/json.', { field: 'content-type' }));
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('internal'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });
}
