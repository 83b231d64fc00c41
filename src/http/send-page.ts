import type { FastifyReply } from 'fastify';

/**
 * The headers of a server-rendered page: no script, inline styles, forms only back to us; never
 * stored (each page is about one signed link). frame-ancestors is added by security-headers.ts.
 */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** Sends a page of src/http/pages/ with its status. */
export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').headers(PAGE_HEADERS).send(html);
}
