import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('accounts over HTTP', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer(); });
  after(async () => { await server.stop(); });

  test('sign up, sign in, who am I, sign out', async () => {
    const email = 'Aiko@Example.test';
    const up = await server.request('POST', '/api/signup', { body: { email, password: 'correct horse', name: 'Aiko' } });
    assert.equal(up.status, 201);
    assert.equal(up.body.user.name, 'Aiko');
    assert.equal(up.body.user.password_hash, undefined, 'never leaks the hash');
    assert.match(up.body.token, /^[A-Za-z0-9_-]{43}$/);

    const me = await server.request('GET', '/api/me', { token: up.body.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.id, up.body.user.id);

    const login = await server.request('POST', '/api/login', { body: { email: 'aiko@example.test', password: 'correct horse' } });
    assert.equal(login.status, 200, 'email is case-insensitive');
    assert.notEqual(login.body.token, up.body.token);

    const out = await server.request('POST', '/api/logout', { token: up.body.token });
    assert.equal(out.status, 204);
    assert.equal((await server.request('GET', '/api/me', { token: up.body.token })).status, 401);
    assert.equal((await server.request('GET', '/api/me', { token: login.body.token })).status, 200, 'other sessions live on');
  });

  test('duplicate email, wrong password, unknown user', async () => {
    const body = { email: 'dup@example.test', password: 'correct horse', name: 'Dup' };
    assert.equal((await server.request('POST', '/api/signup', { body })).status, 201);
    const again = await server.request('POST', '/api/signup', { body: { ...body, email: 'DUP@example.test' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'email_taken');
    const wrong = await server.request('POST', '/api/login', { body: { email: body.email, password: 'wrong horse' } });
    assert.deepEqual([wrong.status, wrong.body.code], [401, 'invalid_credentials']);
    const unknown = await server.request('POST', '/api/login', { body: { email: 'nobody@example.test', password: 'whatever1' } });
    assert.deepEqual([unknown.status, unknown.body.code], [401, 'invalid_credentials']);
  });

  test('schema failures are 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ email: 'x@example.test', password: 'short', name: 'X' }, 'password'],
      [{ email: 'not-an-email', password: 'long enough', name: 'X' }, 'email'],
      [{ email: 'x@example.test', password: 'long enough' }, 'name'],
      [{ email: 'x@example.test', password: 12345678, name: 'X' }, 'password'],
      [{ email: 'x@example.test', password: 'long enough', name: 'X'.repeat(101) }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await server.request('POST', '/api/signup', { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 'validation_failed');
      assert.equal(res.body.field, field, JSON.stringify(res.body));
    }
    const res = await fetch(`${server.url}/api/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": ' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: string }).code, 'invalid_json');
    const ctl = await server.request('POST', '/api/signup', { body: { email: 'c@example.test', password: 'long enough', name: 'bad\u0000name' } });
    assert.deepEqual([ctl.status, ctl.body.code, ctl.body.field], [400, 'validation_failed', 'name']);
  });

  test('no token, a bad token and a forged bearer are 401', async () => {
    assert.equal((await server.request('GET', '/api/me')).body.code, 'unauthenticated');
    assert.equal((await server.request('GET', '/api/me', { token: 'x'.repeat(43) })).status, 401);
    assert.equal((await server.request('GET', '/api/me', { headers: { authorization: 'Basic abc' } })).status, 401);
  });

  test('the cookie signs a browser in, and cross-origin writes with it are refused', async () => {
    const res = await fetch(`${server.url}/api/signup`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'cookie@example.test', password: 'correct horse', name: 'Cookie' }),
    });
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /renraku_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    const cookie = setCookie.split(';')[0]!;
    assert.equal((await server.request('GET', '/api/me', { headers: { cookie } })).status, 200);
    const evil = await server.request('POST', '/api/groups', { headers: { cookie, origin: 'https://evil.example' }, body: { name: 'x', slug: 'evil-group' } });
    assert.deepEqual([evil.status, evil.body.code], [403, 'origin_not_allowed']);
    const own = await server.request('POST', '/api/groups', { headers: { cookie, origin: server.url }, body: { name: 'x', slug: 'own-group' } });
    assert.equal(own.status, 201);
  });

  test('socket tokens need a session', async () => {
    assert.equal((await server.request('POST', '/api/socket-token')).status, 401);
    const u = await server.signup('Sock');
    assert.match(u.socketToken, /^v2\./);
  });

  test('health, readiness, OpenAPI and unknown routes', async () => {
    assert.deepEqual((await server.request('GET', '/healthz')).body, { status: 'ok' });
    assert.equal((await server.request('GET', '/readyz')).status, 200);
    const doc = await server.request('GET', '/api/openapi.json');
    assert.equal(doc.status, 200);
    assert.ok(doc.body.openapi.startsWith('3.'));
    for (const path of ['/api/signup', '/api/login', '/api/socket-token', '/api/groups', '/api/groups/{id}/invites', '/api/invites/{code}/accept', '/api/groups/{id}/rooms', '/api/rooms/{id}/messages']) {
      assert.ok(doc.body.paths[path], `OpenAPI documents ${path}`);
    }
    const missing = await server.request('GET', '/api/nope');
    assert.deepEqual([missing.status, missing.body.code], [404, 'not_found']);
  });
});
