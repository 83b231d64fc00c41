import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import type { Store } from '../../src/domain/store.ts';
import { requireRedisOrSkip, startRedis, type PrivateRedis } from '../support/redis.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/test-server.ts';

const SECRET = 'login-throttle-cluster-secret-0123456789';

async function login(node: TestServer, email: string, password: string): Promise<{ status: number; code: string | undefined; retryAfter: string | null }> {
  const res = await fetch(`${node.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.50' }, body: JSON.stringify({ email, password }) });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code, retryAfter: res.headers.get('retry-after') };
}

/** Two whole nodes in one process over one SQLite store and a private Redis: the bus, and the attempt counters. */
describe('sign-in failures are counted over the cluster (two nodes, Redis)', requireRedisOrSkip('login throttle cluster'), () => {
  let redis: PrivateRedis;
  let dir: string;
  let store: Store;
  let nodes: TestServer[] = [];

  before(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'renraku-throttle-cluster-'));
    store = await createStore({ dataDir: dir });
    await store.migrate();
    const env = { RENRAKU_REDIS_URL: redis.url, RENRAKU_SECRET: SECRET, RENRAKU_TRUST_PROXY: '127.0.0.1' };
    nodes = [await startTestServer({ store, env }), await startTestServer({ store, env })];
  });

  after(async () => {
    for (const node of nodes) await node.stop();
    await store?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('three wrong passwords on node A and three on node B: the sixth is 429', async () => {
    const [a, b] = nodes as [TestServer, TestServer];
    const { user } = await a.signup('Shared');
    for (let i = 0; i < 3; i++) assert.equal((await login(a, user.email, 'wrong password here')).status, 401, `A ${i}`);
    for (let i = 0; i < 2; i++) assert.equal((await login(b, user.email, 'wrong password here')).status, 401, `B ${i}`);
    const sixth = await login(b, user.email, 'wrong password here');
    assert.deepEqual([sixth.status, sixth.code], [429, 'too_many_attempts']);
    assert.ok(Number(sixth.retryAfter) > 0);
    const onA = await login(a, user.email, TEST_PASSWORD);
    assert.deepEqual([onA.status, onA.code], [429, 'too_many_attempts'], 'node A sees the block too');
  });
});
