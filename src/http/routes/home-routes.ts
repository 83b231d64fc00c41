import type { Api } from '../route-deps.ts';

/** A static landing page until the web client is served here (no inline script: CSP-safe). */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Renraku</title></head>
<body><main>
<h1>Renraku 連絡網</h1>
<p>This server is running. The API is described at <a href="/api/openapi.json">/api/openapi.json</a>;
real-time clients connect to <code>/socket</code> with the Phoenix Channels protocol (WebSocket or LongPoll).</p>
</main></body></html>`;

export function homeRoutes(app: Api): void {
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
      .send(PAGE);
  });
}
