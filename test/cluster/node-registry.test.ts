import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { formatNodes } from '../../src/cli/nodes-command.ts';
import { MemoryNodeDirectory } from '../../src/cluster/memory-node-directory.ts';
import type { NodeDirectory } from '../../src/cluster/node-directory.ts';
import { NodeRegistry, type MembershipChange } from '../../src/cluster/node-registry.ts';
import { RedisNodeDirectory } from '../../src/cluster/redis-node-directory.ts';
import { LIMITS } from '../../src/config/limits.ts';
import { requireRedisOrSkip, startRedis, type PrivateRedis } from '../support/redis.ts';
import { ManualTime } from '../transport/manual-time.ts';

function member(directory: NodeDirectory, clock: ManualTime, timers: ManualTime, id: string) {
  const changes: MembershipChange[] = [];
  const registry = new NodeRegistry({
    directory, clock, timers,
    self: () => ({ id, address: `http://${id}.test:4000`, started_at: 1000, connections: 3 }),
  });
  registry.onChange((change) => changes.push(change));
  return { registry, changes, ids: () => registry.live().map((n) => n.id) };
}

/** Lets the registries' heartbeats (async, on an in-memory directory) finish. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('NodeRegistry', () => {
  test('nodes see each other join within a heartbeat; a graceful leave is seen at the next one', async () => {
    const time = new ManualTime();
    const directory = new MemoryNodeDirectory(time);
    const a = member(directory, time, time, 'a');
    const b = member(directory, time, time, 'b');
    await a.registry.start();
    assert.deepEqual(a.ids(), ['a']);
    await b.registry.start();
    assert.deepEqual(b.ids(), ['a', 'b']);
    time.advance(LIMITS.nodeHeartbeatMs);
    await settle();
    assert.deepEqual(a.ids(), ['a', 'b']);
    assert.deepEqual(a.changes.map((c) => [c.joined.map((n) => n.id), c.left]), [[['a'], []], [['b'], []]]);
    assert.equal(a.registry.live()[1]!.connections, 3);

    await b.registry.stop();
    await a.registry.heartbeat();
    assert.deepEqual(a.ids(), ['a']);
    assert.deepEqual(a.changes.at(-1), { joined: [], left: ['b'] });
    await a.registry.stop();
  });

  test('a crashed node (no more heartbeats) drops out once its entry expires', async () => {
    const time = new ManualTime();
    const frozen = new ManualTime(); // the crashed node's timers never fire again
    const directory = new MemoryNodeDirectory(time);
    const a = member(directory, time, time, 'a');
    const crashed = member(directory, time, frozen, 'c');
    await crashed.registry.start();
    await a.registry.start();
    assert.deepEqual(a.ids(), ['a', 'c']);
    for (let t = 0; t < LIMITS.nodeTtlMs; t += LIMITS.nodeHeartbeatMs) {
      time.advance(LIMITS.nodeHeartbeatMs);
      await settle();
    }
    assert.deepEqual(a.ids(), ['a']);
    await a.registry.stop();
  });

  test('while the directory fails, the last live set is kept', async () => {
    const time = new ManualTime();
    const directory = new MemoryNodeDirectory(time);
    let failing = false;
    const flaky: NodeDirectory = {
      put: (n, ttl) => (failing ? Promise.reject(new Error('down')) : directory.put(n, ttl)),
      remove: (id) => directory.remove(id),
      list: () => directory.list(),
      close: async () => {},
    };
    const a = member(flaky, time, time, 'a');
    await member(directory, time, time, 'b').registry.start();
    await a.registry.start();
    failing = true;
    await a.registry.heartbeat();
    assert.deepEqual(a.ids(), ['a', 'b']);
  });

  test('renraku nodes prints one row per node, oldest first', () => {
    const out = formatNodes([
      { id: 'n2', address: 'http://10.0.0.2:4000', started_at: Date.UTC(2026, 0, 1, 0, 0, 5), connections: 7, heartbeat_at: Date.UTC(2026, 0, 1, 1, 0, 0) },
      { id: 'n1', address: 'http://10.0.0.1:4000', started_at: Date.UTC(2026, 0, 1), connections: 12000, heartbeat_at: Date.UTC(2026, 0, 1, 0, 59, 59) },
    ], Date.UTC(2026, 0, 1, 1, 0, 1));
    assert.deepEqual(out.split('\n'), [
      'NODE  ADDRESS               STARTED                   UP      CONNECTIONS  HEARTBEAT',
      'n1    http://10.0.0.1:4000  2026-01-01T00:00:00.000Z  1h0m    12000        2000 ms ago',
      'n2    http://10.0.0.2:4000  2026-01-01T00:00:05.000Z  59m56s  7            1000 ms ago',
      '2 live nodes',
    ]);
    assert.equal(formatNodes([], 0), 'no live nodes');
  });
});

describe('RedisNodeDirectory over a private redis-server', requireRedisOrSkip('RedisNodeDirectory'), () => {
  let redis: PrivateRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  test('entries carry a TTL, list finds them all, remove drops one at once', async () => {
    const prefix = `test:${randomUUID()}:`;
    const directory = await RedisNodeDirectory.connect(redis.url, prefix);
    const node = (id: string) => ({ id, address: `http://${id}:1`, started_at: 1, connections: 0, heartbeat_at: 2 });
    for (let i = 0; i < 450; i++) await directory.put(node(`n${i}`), LIMITS.nodeTtlMs);
    assert.equal((await directory.list()).length, 450);
    const raw = new Redis(redis.url);
    const ttl = await raw.pttl(`${prefix}nodes:n0`);
    assert.ok(ttl > 0 && ttl <= LIMITS.nodeTtlMs, `PTTL ${ttl}`);
    await directory.remove('n0');
    assert.equal((await directory.list()).some((n) => n.id === 'n0'), false);
    raw.disconnect();
    await directory.close();
  });
});
