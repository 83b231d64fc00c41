import type { FastifyInstance } from 'fastify';

/** One year, with sub-domains: the value the HSTS preload list asks for. */
const HSTS = 'max-age=31536000; includeSubDomains';
const NO_FRAMING = "frame-ancestors 'none'";

/**
 * Headers on every answer, set in one onSend hook so no route can forget them:
 * `X-Content-Type-Options: nosniff` (JSON, CSV, attachments, static files, errors);
 * `Strict-Transport-Security` only when the public URL is https (over plain http a browser
 * ignores it, and a node tried out on http must stay reachable); and on every HTML page
 * `frame-ancestors 'none'` in its CSP (added to the page's own policy, or the whole policy of
 * a page without one), so no other site can frame a page with a form (clickjacking).
 */
export function registerSecurityHeaders(app: FastifyInstance, publicUrl: string): void {
  const headers = securityHeaders(publicUrl);
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(headers);
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp !== 'string' || csp.trim() === '') reply.header('content-security-policy', NO_FRAMING);
      else if (!/(^|;)\s*frame-ancestors\s/i.test(csp)) reply.header('content-security-policy', `${csp}; ${NO_FRAMING}`);
    }
    return payload;
  });
}

/** The headers of every answer (nosniff; HSTS with an https public URL), also for answers made outside Fastify's hooks. */
export function securityHeaders(publicUrl: string): Readonly<Record<string, string>> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff' };
  if (new URL(publicUrl).protocol === 'https:') headers['strict-transport-security'] = HSTS;
  return Object.freeze(headers);
}
