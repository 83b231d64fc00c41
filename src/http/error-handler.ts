import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
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

/** An answer for a framework error: a declared code, and a message when the code's own is not enough. */
interface FrameworkAnswer {
  code: ErrorCode;
  message?: string;
  details?: Record<string, unknown>;
}

const UNSUPPORTED_MEDIA_TYPE: FrameworkAnswer = { code: 'validation_failed', message: 'Send JSON with Content-Type: application/json.', details: { field: 'content-type' } };

/**
 * Fastify's own client errors (`FST_ERR_*`) and those of its plugins (e.g. @fastify/static
 * refusing `..` segments) as declared codes, so no framework code ever reaches a client;
 * undefined for anything that is not a client error (then it is ours to log as internal).
 */
export function frameworkAnswer(err: { code?: string; statusCode?: number; message?: string }): FrameworkAnswer | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'invalid_json' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return UNSUPPORTED_MEDIA_TYPE;
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'bad_request', message: 'The body does not match its Content-Length.' };
    case 'FST_ERR_BAD_URL':
      return { code: 'url_invalid' };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { code: 'url_too_long' };
  }
  if (err.statusCode === 400 && err instanceof SyntaxError) return { code: 'invalid_json' };
  const status = err.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (status === 403 || status === 404) return { code: 'not_found' };
  if (status === 413) return { code: 'payload_too_large' };
  if (status === 414) return { code: 'url_too_long' };
  if (status === 415) return UNSUPPORTED_MEDIA_TYPE;
  if (status === 431) return { code: 'headers_too_large' };
  return { code: 'bad_request' };
}

/**
 * Fastify options that answer what never reaches a route's error handler, nor its hooks:
 * `frameworkErrors` (a bad percent escape or an over-long parameter, found while routing) and
 * `clientErrorHandler` (Node's HTTP parser refused the bytes: oversized headers, broken HTTP, a
 * timeout). Both answer `{error, code, message}` with a declared code and `headers`.
 */
export function httpErrorOptions(headers: Readonly<Record<string, string>>) {
  const rawHeaders = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return {
    frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
      const answer = frameworkAnswer(err) ?? { code: 'bad_request' };
      reply.headers(headers).status(ERROR_CODES[answer.code].status).send(errorBody(answer.code, answer.message, answer.details));
    },
    clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Duplex): void {
      // A reset or already destroyed socket has nobody to answer.
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const code: ErrorCode = err.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'bad_request';
      this.log.debug({ err }, 'http: client error');
      const status = ERROR_CODES[code].status;
      const body = JSON.stringify(errorBody(code));
      if (socket.writable) {
        socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n`
          + `${rawHeaders}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }
      socket.destroy(err);
    },
  };
}

/**
 * Maps every failure to `{error, code, message}` with the code's declared status: AppError as
 * declared, schema failures as validation_failed naming the field, framework and plugin client
 * errors as in `frameworkAnswer`, anything unexpected as internal (logged, never leaked).
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      const retryAfterMs = err.details?.retry_after_ms;
      if (typeof retryAfterMs === 'number') reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
      return reply.status(err.status).send(errorBody(err.code, err.message, err.details));
    }
    if (err.validation) {
      // Of a union's failed branches, the deepest error names the field (answer.slots.0.start,
      // not the answer.type of the first branch tried); ties go to the first.
      const failures = err.validation.map((e) => {
        const path = e.instancePath?.replace(/^\//, '').replace(/\//g, '.') ?? '';
        const missing = (e.params as { missingProperty?: string } | undefined)?.missingProperty;
        return { field: missing ? (path ? `${path}.${missing}` : missing) : path, message: e.message };
      });
      const first = failures.reduce<(typeof failures)[number] | undefined>((best, f) => (best === undefined || f.field.split('.').length > best.field.split('.').length ? f : best), undefined);
      const field = first?.field || (err.validationContext ?? 'body');
      return reply.status(400).send(errorBody('validation_failed', `${field}: ${first?.message ?? 'invalid'}`, { field, in: err.validationContext }));
    }
    const answer = frameworkAnswer(err);
    if (answer) return reply.status(ERROR_CODES[answer.code].status).send(errorBody(answer.code, answer.message, answer.details));
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('internal'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`));
  });
}
