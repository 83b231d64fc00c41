import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { Api } from '../route-deps.ts';

/** Where `npm run build:web` (and `npm install`, through `prepare`) puts the web client. */
export const BUILT_CLIENT_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * The page's policy: our own scripts and styles only (nothing inline), requests and sockets to
 * us only. `'self'` covers same-origin sockets in current browsers; the public origin's ws(s)
 * URL is named too for browsers that read `'self'` as http(s) only.
 */
export function clientCsp(publicUrl: string): string {
  const url = new URL(publicUrl);
  const sockets = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
  return `default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ${sockets}; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Renraku: web client not built</title></head>
<body><main>
<h1>Renraku 連絡網</h1>
<p>The server is running, but the web client has not been built. Run <code>npm run build:web</code>
(or <code>npm install</code>, which builds it) and restart the server.</p>
<p>The API is described at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</main></body></html>`;

/**
 * The web client at `/`. `index.html` is read once at start and sent with `no-cache` and the
 * CSP (nosniff, as on every answer, comes from security-headers.ts); the hashed files under
 * `/assets/` are immutable and cached for a year (a new build has new names). The client routes
 * with `/#/…`, so no fallback route is needed. Without a build, `/` says how to make one (503)
 * instead of failing to start.
 */
export async function homeRoutes(app: Api, web: { root: string; publicUrl: string }): Promise<void> {
  const indexPath = join(web.root, 'index.html');
  if (!existsSync(indexPath)) {
    app.log.warn({ root: web.root }, 'web client not built: run `npm run build:web`');
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      return reply.status(503).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    });
    return;
  }
  const page = readFileSync(indexPath);
  const csp = clientCsp(web.publicUrl);
  await app.register(fastifyStatic, {
    root: join(web.root, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: '365d',
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', csp)
      .header('referrer-policy', 'same-origin')
      .send(page);
  });
}
