import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/config/limits.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/test-server.ts';

/** A POST as the client `address` behind our proxy (127.0.0.1, named in RENRAKU_TRUST_PROXY): status, body and Retry-After. */
async function post(server: TestServer, path: string, address: string, body: unknown): Promise<{ status: number; body: any; retryAfter: string | null }> {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') };
}

describe('sign-in and sign-up are throttled per account and per client address (one node, memory)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { RENRAKU_TRUST_PROXY: '127.0.0.1' } });
  });
  after(async () => {
    await server?.stop();
  });

  test('five wrong passwords pass as 401, the sixth is 429 with Retry-After — also for the right password, also from another address', async () => {
    const { user } = await server.signup('Victim');
    const wrong = { email: user.email, password: 'not the password at all' };
    for (let i = 1; i <= LIMITS.loginFailuresPerAccount; i++) {
      const res = await post(server, '/api/login', '203.0.113.7', wrong);
      assert.deepEqual([res.status, res.body.code], [401, 'invalid_credentials'], `attempt ${i}`);
    }
    const sixth = await post(server, '/api/login', '203.0.113.7', wrong);
    assert.deepEqual([sixth.status, sixth.body.code], [429, 'too_many_attempts']);
    const seconds = Number(sixth.retryAfter);
    assert.ok(Number.isInteger(seconds) && seconds > 0 && seconds <= LIMITS.loginFailureWindowMs / 1000, `Retry-After ${sixth.retryAfter}`);
    assert.ok(sixth.body.retry_after_ms > 0 && sixth.body.retry_after_ms <= LIMITS.loginFailureWindowMs);

    const right = { email: user.email.toUpperCase(), password: TEST_PASSWORD };
    const blocked = await post(server, '/api/login', '203.0.113.7', right);
    assert.deepEqual([blocked.status, blocked.body.code], [429, 'too_many_attempts'], 'the right password is refused while blocked');
    assert.notEqual(blocked.retryAfter, null);
    const elsewhere = await post(server, '/api/login', '198.51.100.20', right);
    assert.deepEqual([elsewhere.status, elsewhere.body.code], [429, 'too_many_attempts'], 'the account is limited from any address');

    const other = await server.signup('Bystander');
    const fine = await post(server, '/api/login', '203.0.113.7', { email: other.user.email, password: TEST_PASSWORD });
    assert.equal(fine.status, 200, 'the address itself is far from its own budget');

    const metrics = await server.app.ops.metrics.scrape();
    assert.match(metrics, /^renraku_login_failures_total 5$/m);
    assert.match(metrics, /^renraku_throttled_total\{policy="login-account"\} 3$/m);
  });

  test('a successful sign-in clears the account\'s failures', async () => {
    const { user } = await server.signup('Forgetful');
    const wrong = { email: user.email, password: 'not the password at all' };
    for (let i = 1; i < LIMITS.loginFailuresPerAccount; i++) assert.equal((await post(server, '/api/login', '192.0.2.40', wrong)).status, 401);
    assert.equal((await post(server, '/api/login', '192.0.2.40', { email: user.email, password: TEST_PASSWORD })).status, 200);
    for (let i = 1; i <= LIMITS.loginFailuresPerAccount; i++) assert.equal((await post(server, '/api/login', '192.0.2.40', wrong)).status, 401, `attempt ${i} after the success`);
  });

  test(`sign-up: ${LIMITS.signupsPerAddress} per address per hour, then 429`, async () => {
    const signup = (i: number, address: string) => post(server, '/api/signup', address, { email: `family-${address}-${i}@example.test`, password: TEST_PASSWORD, name: `Family ${i}` });
    for (let i = 0; i < LIMITS.signupsPerAddress; i++) assert.equal((await signup(i, '192.0.2.77')).status, 201, `sign-up ${i}`);
    const refused = await signup(LIMITS.signupsPerAddress, '192.0.2.77');
    assert.deepEqual([refused.status, refused.body.code], [429, 'too_many_attempts']);
    assert.ok(Number(refused.retryAfter) > 0);
    assert.equal((await signup(0, '192.0.2.78')).status, 201, 'another address is not affected');
  });
});
