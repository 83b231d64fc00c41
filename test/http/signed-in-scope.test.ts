import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * What needs no session: sign-up and sign-in, the mailed links (verification, password reset,
 * read links, one-click unsubscribe, join by mail), invite previews, health, the operator routes
 * (their own token), the web client, LongPoll (its own socket token) and the OpenAPI document.
 */
const PUBLIC = [
  'GET /', 'GET /*', 'GET /healthz', 'GET /readyz', 'GET /metrics', 'POST /api/ops/:command', 'GET /api/openapi.json',
  'POST /api/signup', 'POST /api/login', 'POST /api/email-verification/confirm', 'POST /api/password-reset', 'POST /api/password-reset/confirm',
  'GET /api/invites/:code', 'GET /r/:token', 'GET /l/unsubscribe/:token', 'POST /l/unsubscribe/:token',
  'GET /api/mail-joins/:token', 'POST /api/mail-joins/:token', 'GET /mail-join/:token', 'POST /mail-join/:token',
  'GET /socket/longpoll', 'POST /socket/longpoll',
].sort();

interface RouteRow { route: string; preHandler: string[] }

/**
 * Reads Fastify's `printRoutes({ includeHooks: true, commonPrefix: false })`: a node line names a
 * path segment (under the node it hangs from, by column) and its methods; the `•` lines under it
 * list its hooks.
 */
function routeTable(printed: string): RouteRow[] {
  const rows: RouteRow[] = [];
  const stack: { column: number; path: string }[] = [];
  let current: RouteRow[] = [];
  for (const line of printed.split('\n')) {
    const hook = /• \(preHandler\) \[(.*)\]$/.exec(line);
    if (hook) {
      for (const row of current) row.preHandler.push(...(JSON.parse(`[${hook[1]}]`) as string[]).map((name) => name.replace(/\(\)$/, '')));
      continue;
    }
    const node = /^([│ ]*(?:[├└]── )?)(\S.*) \(([A-Z, ]+)\)$/.exec(line);
    if (!node) continue;
    const column = [...node[1]!].length;
    while (stack.length > 0 && stack[stack.length - 1]!.column >= column) stack.pop();
    const path = (stack[stack.length - 1]?.path ?? '') + node[2]!;
    stack.push({ column, path });
    current = node[3]!.split(', ').map((method) => ({ route: `${method} ${path}`, preHandler: [] }));
    rows.push(...current);
  }
  return rows;
}

describe('the signed-in scope', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer(); });
  after(async () => { await server.stop(); });

  test('every route signs its request in, once, except the declared public ones', () => {
    const rows = routeTable(server.app.http.printRoutes({ includeHooks: true, commonPrefix: false })).filter((r) => !r.route.startsWith('HEAD '));
    assert.ok(rows.length > 80, `the route table was read (${rows.length} routes)`);
    const open = rows.filter((r) => !r.preHandler.includes('authenticate')).map((r) => r.route).sort();
    assert.deepEqual(open, PUBLIC);
    for (const row of rows) assert.ok(row.preHandler.filter((name) => name === 'authenticate').length <= 1, `${row.route}: ${row.preHandler.join(', ')}`);
  });

  test('a signed-in route checks its schema first, then the session and the Origin of a cookie write', async () => {
    const user = await server.signup('Scoped');
    const bad = await server.request('POST', '/api/groups', { body: { name: 1, slug: 'scoped' } });
    assert.deepEqual([bad.status, bad.body.code], [400, 'validation_failed'], 'validation runs before the session check');
    const anonymous = await server.request('POST', '/api/groups', { body: { name: 'Scoped', slug: 'scoped' } });
    assert.deepEqual([anonymous.status, anonymous.body.code], [401, 'unauthenticated']);
    const cookie = `renraku_session=${user.token}`;
    const elsewhere = await server.request('POST', '/api/groups', { headers: { cookie, origin: 'https://evil.example' }, body: { name: 'Scoped', slug: 'scoped' } });
    assert.deepEqual([elsewhere.status, elsewhere.body.code], [403, 'origin_not_allowed']);
    const created = await server.request('POST', '/api/groups', { headers: { cookie, origin: server.url }, body: { name: 'Scoped', slug: 'scoped' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const mine = await server.request('GET', '/api/groups', { token: user.token });
    assert.deepEqual(mine.body.groups.map((g: { slug: string }) => g.slug), ['scoped'], 'the handler acts as request.user');
  });
});
