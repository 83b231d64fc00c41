import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UnsubscribeLinks } from '../../src/lists/unsubscribe-link.ts';
import { rawHttp } from '../support/raw-http.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

const SECRET = 'security-headers-test-secret-0123456789abcdef';

async function get(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(server.url + path, { headers, redirect: 'manual' });
  await res.arrayBuffer();
  return res;
}

describe('security headers on every answer', () => {
  let server: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let groupId: string;
  before(async () => {
    server = await startTestServer({ env: { RENRAKU_SECRET: SECRET, RENRAKU_PUBLIC_URL: 'http://renraku.example.test:8080' } });
    owner = await server.signup('Owner');
    groupId = (await server.createGroup(owner)).id;
    member = await server.signup('Member');
    await server.addMember(owner, groupId, member);
  });
  after(async () => { await server.stop(); });

  test('nosniff on JSON, CSV, static files, redirects, errors and refusals; no HSTS over http', async () => {
    const auth = { authorization: `Bearer ${owner.token}` };
    const created = await server.request('POST', `/api/groups/${groupId}/announcements`, { token: owner.token, body: { title: 'お知らせ', body: '明日は休校です。' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const index = await (await fetch(`${server.url}/`)).text();
    const asset = /\/assets\/[\w.-]+\.js/.exec(index)?.[0];
    assert.ok(asset, 'the built client names a script');
    const answers: Array<[string, Response | { status: number; headers: Headers }]> = [
      ['API JSON', await get(server, '/api/me', auth)],
      ['CSV download', await get(server, `/api/announcements/${created.body.announcement.id}/status.csv`, auth)],
      ['static file', await get(server, asset)],
      ['the web client', await get(server, '/')],
      ['a read-link error', await get(server, '/r/forged')],
      ['an AppError', await get(server, '/api/me')],
      ['no such route', await get(server, '/api/nothing-here')],
      ['a bad URL (frameworkErrors)', await get(server, '/api/groups/%E0%A4%A')],
      ['a LongPoll answer', await get(server, '/socket/longpoll?vsn=2.0.0')],
    ];
    assert.match(answers[1]![1].headers.get('content-type') ?? '', /^text\/csv/);
    for (const [what, res] of answers) {
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
      assert.equal(res.headers.get('strict-transport-security'), null, `${what}: no HSTS on an http public URL`);
    }
    const overflow = await rawHttp(server.url, `GET /api/me HTTP/1.1\r\nHost: localhost\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`);
    assert.deepEqual([overflow.status, overflow.headers['x-content-type-options']], [431, 'nosniff'], 'Node parser errors');
    const refused = await rawHttp(server.url, 'GET /socket/websocket?vsn=1.0.0 HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    assert.deepEqual([refused.status, refused.headers['x-content-type-options']], [400, 'nosniff'], 'a refused WebSocket upgrade');
  });

  test("every HTML page forbids framing: frame-ancestors 'none'", async () => {
    const unsubscribe = await get(server, `/l/unsubscribe/${new UnsubscribeLinks(SECRET).token(groupId, member.user.id)}`);
    const mailJoin = await get(server, '/mail-join/forged-token');
    const client = await get(server, '/');
    for (const [what, res] of [['unsubscribe page', unsubscribe], ['mail-join page', mailJoin], ['web client', client]] as const) {
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/, what);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /(^|; )frame-ancestors 'none'($|;)/, `${what}: ${csp}`);
      assert.equal(csp.match(/frame-ancestors/g)?.length, 1, `${what}: once`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
    }
    assert.match(unsubscribe.headers.get('content-security-policy')!, /^default-src 'none'; style-src 'unsafe-inline'; form-action 'self'/, 'the page keeps its own policy');
  });

  test("the web client's sockets may go to its own origin only", async () => {
    const csp = (await get(server, '/')).headers.get('content-security-policy') ?? '';
    assert.equal(/connect-src ([^;]*)/.exec(csp)?.[1], "'self' ws://renraku.example.test:8080", 'no ws: or wss: to any host');
  });
});

describe('security headers with an https public URL', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ env: { RENRAKU_PUBLIC_URL: 'https://renraku.example.test' } }); });
  after(async () => { await server.stop(); });

  test('HSTS on every answer, and the client CSP names the wss origin', async () => {
    for (const path of ['/', '/api/me', '/api/nothing-here', '/api/groups/%', '/socket/longpoll?vsn=2.0.0']) {
      assert.equal((await get(server, path)).headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains', path);
    }
    const overflow = await rawHttp(server.url, `GET /api/me HTTP/1.1\r\nHost: localhost\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`);
    assert.equal(overflow.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', 'Node parser errors');
    const csp = (await get(server, '/')).headers.get('content-security-policy') ?? '';
    assert.equal(/connect-src ([^;]*)/.exec(csp)?.[1], "'self' wss://renraku.example.test");
  });
});
