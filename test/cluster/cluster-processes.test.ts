import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { RedisNodeDirectory } from '../../src/cluster/redis-node-directory.ts';
import { LIMITS } from '../../src/config/limits.ts';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { requirePostgresOrSkip, startPostgres, type PrivatePostgres } from '../support/postgres.ts';
import { requireRedisOrSkip, startRedis, type PrivateRedis } from '../support/redis.ts';
import { assertContiguous, RoomReader } from '../support/room-reader.ts';
import { RENRAKU_FROM_SOURCES } from '../support/renraku-sources.ts';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy.ts';
import { apiClient, type TestUser } from '../support/test-server.ts';

const SUITE = 'three renraku processes over a private PostgreSQL and Redis';
const SECRET = 'cluster-process-test-secret-0123456789abcdef';

/**
 * Every writer sends `count` messages one after another (each acknowledged before the next),
 * all writers at once; `midway` runs once `trigger` acknowledgements are in, while traffic goes on.
 * Returns every acknowledged seq.
 */
async function traffic(writers: RoomReader[], count: number, tag: string, trigger: number, midway: () => Promise<void>): Promise<number[]> {
  const acked: number[] = [];
  let fired: Promise<void> | undefined;
  await Promise.all(writers.map(async (writer, w) => {
    for (let i = 0; i < count; i++) {
      acked.push(await writer.send(`${tag} ${w}.${i}`, `${tag}-${w}-${i}`));
      if (acked.length >= trigger) fired ??= midway();
    }
  }));
  await fired;
  return acked;
}

describe(SUITE, { ...requirePostgresOrSkip(SUITE), ...requireRedisOrSkip(SUITE) }, () => {
  let postgres: PrivatePostgres;
  let redis: PrivateRedis;
  let env: Record<string, string>;
  let nodes: NodeProcess[];
  let live: NodeProcess[];
  let proxy: RoundRobinProxy;
  let owner: TestUser;
  let users: TestUser[];
  let groupId: string;
  const readers: RoomReader[] = [];
  const api = () => apiClient(live[0]!.url);
  const reader = (url: string, user: TestUser, roomId: string) => {
    const r = new RoomReader(url, user.socketToken, roomId);
    readers.push(r);
    return r;
  };

  before(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    // Migrated once up front, so the three nodes start side by side.
    const store = await createStore({ databaseUrl: postgres.url, dataDir: '/nonexistent' });
    await store.migrate();
    await store.close();
    env = {
      RENRAKU_DATABASE_URL: postgres.url, RENRAKU_REDIS_URL: redis.url, RENRAKU_SECRET: SECRET,
      RENRAKU_MESSAGE_BURST: '1000', RENRAKU_MESSAGE_RATE: '1000', RENRAKU_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    };
    nodes = [];
    live = nodes; // until all three are up, so that after() stops whatever did start
    await Promise.all([0, 1, 2].map(async () => nodes.push(await startNodeProcess(env))));
    live = [...nodes];
    proxy = await startRoundRobinProxy(() => nodes.map((n) => n.hostPort));
    owner = await api().signup('Owner');
    groupId = (await api().createGroup(owner)).id;
    users = [];
    for (const name of ['Aiko', 'Ben', 'Chie', 'Daichi', 'Emi']) {
      const user = await api().signup(name);
      await api().addMember(owner, groupId, user);
      users.push(user);
    }
  });

  after(async () => {
    await Promise.all(readers.map((r) => r.close()));
    await proxy?.stop();
    await Promise.all((live ?? []).map((n) => n.stop()));
    await redis?.stop();
    await postgres?.stop();
  });

  test('clients on each node exchange messages and agree on presence; `renraku nodes` lists the three', async () => {
    const roomId = (await api().createRoom(owner, groupId, 'hello')).id;
    const rs = nodes.map((node, i) => reader(node.url, users[i]!, roomId));
    for (const r of rs) await r.join();
    const keys = users.slice(0, 3).map((u) => u.user.id);
    await Promise.all(rs.map((r) => r.presenceIs(keys)));
    const acked = await traffic(rs, 10, 'hello', Infinity, async () => {});
    assert.deepEqual([...acked].sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i + 1));
    for (const r of rs) {
      await r.waitFor('30 messages', () => r.received.length >= 30);
      assert.equal(assertContiguous(r.received, 1, 30), undefined);
    }

    const listed = spawnSync(process.execPath, [...RENRAKU_FROM_SOURCES, 'nodes', '--json'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    const members = JSON.parse(listed.stdout) as Array<{ address: string; connections: number }>;
    assert.deepEqual(members.map((m) => m.address).sort(), nodes.map((n) => n.url).sort());
    for (const r of rs) await r.close();
  });

  test('a node killed with SIGKILL mid-traffic: its clients reconnect elsewhere and hold every acknowledged message once, in order; its presences leave', async () => {
    const roomId = (await api().createRoom(owner, groupId, 'crash')).id;
    const victim = nodes[2]!;
    // Three clients through the balancer: round-robin puts one on each node.
    const writers = [0, 1, 2].map((i) => reader(proxy.url, users[i]!, roomId));
    for (const w of writers) await w.join();
    const upgrades = proxy.log.filter((l) => l.method === 'UPGRADE').slice(-3).map((l) => l.target);
    assert.deepEqual([...upgrades].sort(), nodes.map((n) => n.hostPort).sort(), 'one client per node');
    // A client straight on the victim (it cannot come back) and an observer on node 0.
    const ghost = reader(victim.url, users[3]!, roomId);
    const observer = reader(nodes[0]!.url, users[4]!, roomId);
    await ghost.join();
    await observer.join();
    const everyone = users.map((u) => u.user.id);
    await observer.presenceIs(everyone);

    let killedAt = 0;
    const acked = await traffic(writers, 40, 'crash', 30, async () => {
      killedAt = Date.now();
      await victim.kill();
      live = nodes.slice(0, 2);
    });
    const total = acked.length;
    assert.equal(total, 120);
    assert.deepEqual([...acked].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i + 1), 'each message stored once');
    for (const r of [...writers, observer]) {
      await r.waitFor(`${total} messages`, () => r.received.length >= total);
      assert.equal(assertContiguous(r.received, 1, total), undefined);
      assert.equal(r.unrecovered, 0);
    }

    await observer.presenceIs(everyone.filter((id) => id !== users[3]!.user.id), LIMITS.presenceDownMs + 10_000);
    const leftAfterMs = Date.now() - killedAt;
    assert.ok(leftAfterMs <= LIMITS.presenceDownMs + 2 * LIMITS.presenceHeartbeatMs + 2000, `the crashed node's presences left after ${leftAfterMs} ms`);
    const metas: Array<[string, number]> = observer.presence.list((key: string, p: { metas: unknown[] }) => [key, p.metas.length]);
    assert.ok(metas.every(([, n]) => n === 1), `one presence per user, none left over from the dead node: ${JSON.stringify(metas)}`);
    console.log(`# crashed node's presences left after ${leftAfterMs} ms (down period ${LIMITS.presenceDownMs} ms)`);
  });

  test('Redis restarted mid-traffic: nodes resync their clients, and every acknowledged message arrives once, in order', async () => {
    const roomId = (await api().createRoom(owner, groupId, 'redis')).id;
    const rs = live.flatMap((node, i) => [reader(node.url, users[2 * i]!, roomId), reader(node.url, users[2 * i + 1]!, roomId)]);
    for (const r of rs) await r.join();
    const acked = await traffic(rs, 15, 'redis', 20, () => redis.restart());
    // Every client is told to resync once Redis is back, and rejoins with its last_seq; then more traffic.
    await Promise.all(rs.map((r) => r.waitFor('a resync and a rejoin', () => r.errors.includes('resync') && r.joins >= 2)));
    acked.push(...await traffic(rs, 5, 'after', Infinity, async () => {}));
    const total = rs.length * 20;
    assert.deepEqual([...acked].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i + 1));
    for (const r of rs) {
      await r.waitFor(`${total} messages`, () => r.received.length >= total);
      assert.equal(assertContiguous(r.received, 1, total), undefined);
    }
    const keys = users.slice(0, 4).map((u) => u.user.id);
    await Promise.all(rs.map((r) => r.presenceIs(keys)));
  });

  test('SIGTERM drains a node: it leaves the membership and its presences leave every other node at once', async () => {
    const roomId = (await api().createRoom(owner, groupId, 'drain')).id;
    const [stays, leaves] = live as [NodeProcess, NodeProcess];
    const observer = reader(stays.url, users[0]!, roomId);
    const leaving = reader(leaves.url, users[1]!, roomId);
    await observer.join();
    await leaving.join();
    await observer.presenceIs([users[0]!.user.id, users[1]!.user.id]);
    const directory = await RedisNodeDirectory.connect(redis.url);
    // Precondition, not the assertion: the previous test restarted Redis (which keeps nothing), so
    // both nodes are back in the directory only after their next heartbeat. Wait for that, bounded.
    const deadline = Date.now() + LIMITS.nodeTtlMs * 3;
    const both = [stays.url, leaves.url].sort();
    while (JSON.stringify((await directory.list()).map((m) => m.address).sort()) !== JSON.stringify(both)) {
      assert.ok(Date.now() < deadline, 'both nodes re-registered after the Redis restart');
      await new Promise((resolve) => setTimeout(resolve, LIMITS.nodeHeartbeatMs / 4));
    }
    const startedAt = Date.now();
    assert.equal(await leaves.stop(), 0);
    live = [stays];
    // Well inside the down period: the goodbye, not the timeout, removed them.
    await observer.presenceIs([users[0]!.user.id], LIMITS.presenceDownMs / 2);
    const members = await directory.list();
    await directory.close();
    assert.deepEqual(members.map((m) => m.address), [stays.url], 'gone from the membership at once');
    console.log(`# drained node's presences left after ${Date.now() - startedAt} ms`);
  });
});
