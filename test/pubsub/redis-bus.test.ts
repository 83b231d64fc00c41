import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { BusMessage } from '../../src/pubsub/bus.ts';
import { RedisBus } from '../../src/pubsub/redis-bus.ts';
import { requireRedisOrSkip, startRedis, type PrivateRedis } from '../support/redis.ts';
import { busContract } from './bus-contract.ts';

const SUITE = 'RedisBus over a private redis-server';
const skip = requireRedisOrSkip(SUITE);

/** Resolves with the next `count` messages a handler gets (bounded: 5 s). */
function inbox() {
  const items: BusMessage[] = [];
  let waiters: Array<{ count: number; resolve: () => void }> = [];
  return {
    items,
    handler: (message: BusMessage) => {
      items.push(message);
      waiters = waiters.filter((w) => (items.length >= w.count ? (w.resolve(), false) : true));
    },
    waitFor(count: number): Promise<BusMessage[]> {
      if (items.length >= count) return Promise.resolve(items);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${count} messages; got ${items.length}`)), 5000);
        waiters.push({ count, resolve: () => { clearTimeout(timer); resolve(items); } });
      });
    },
  };
}

function nextResync(bus: RedisBus): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no resync within 10 s')), 10_000);
    const off = bus.onResync(() => { clearTimeout(timer); off(); resolve(); });
  });
}

describe(SUITE, skip, () => {
  let redis: PrivateRedis;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  busContract('redis', async () => {
    const prefix = `test:${randomUUID()}:`;
    let n = 0;
    return {
      connect: async () => RedisBus.connect({ url: redis.url, nodeId: `node-${++n}`, prefix }),
      close: async () => {},
    };
  });

  test('a message that fails to decode is logged, counted and dropped; the bus keeps working', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = [await RedisBus.connect({ url: redis.url, nodeId: 'a', prefix }), await RedisBus.connect({ url: redis.url, nodeId: 'b', prefix })];
    const got = inbox();
    await b.subscribe('room:x', got.handler);
    const raw = new Redis(redis.url);
    await raw.publish(`${prefix}room:x`, Buffer.from('not an envelope'));
    await raw.publish(`${prefix}room:x`, Buffer.from([1, 0, 200, 65]));
    await a.publish('room:x', { frame: 'fine', seq: 7 });
    await got.waitFor(1);
    assert.deepEqual(got.items, [{ frame: 'fine', seq: 7 }]);
    assert.equal(b.stats().decodeErrors, 2);
    raw.disconnect();
    await a.close();
    await b.close();
  });

  test('each received message reports its delay since publishing; a message without a send time (older publisher) reports none', async () => {
    const prefix = `test:${randomUUID()}:`;
    const [a, b] = [await RedisBus.connect({ url: redis.url, nodeId: 'a', prefix }), await RedisBus.connect({ url: redis.url, nodeId: 'b', prefix })];
    const lags: number[] = [];
    b.observeReceiveLag((seconds) => lags.push(seconds));
    const got = inbox();
    await b.subscribe('room:lag', got.handler);
    const before = Date.now();
    await a.publish('room:lag', { frame: 'stamped', seq: 1 });
    await got.waitFor(1);
    const bound = (Date.now() - before) / 1000;
    assert.equal(lags.length, 1);
    assert.ok(lags[0]! >= 0 && lags[0]! <= bound, `lag ${lags[0]} s within the ${bound} s the round trip took`);
    const raw = new Redis(redis.url);
    // Flags 2 (seq) only: the envelope of a publisher that does not stamp its messages.
    const unstamped = Buffer.concat([Buffer.from([1, 2, 1]), Buffer.from('a'), Buffer.alloc(8), Buffer.from('old')]);
    unstamped.writeDoubleBE(2, 4);
    await raw.publish(`${prefix}room:lag`, unstamped);
    await got.waitFor(2);
    assert.deepEqual(got.items, [{ frame: 'stamped', seq: 1 }, { frame: 'old', seq: 2 }]);
    assert.equal(lags.length, 1);
    raw.disconnect();
    await a.close();
    await b.close();
  });

  test('after Redis restarts, every node resubscribes and resyncs; publishes while it was down were dropped and counted', async () => {
    const prefix = `test:${randomUUID()}:`;
    const a = await RedisBus.connect({ url: redis.url, nodeId: 'a', prefix });
    const b = await RedisBus.connect({ url: redis.url, nodeId: 'b', prefix });
    const got = inbox();
    await b.subscribe('room:y', got.handler);
    await a.publish('room:y', { frame: 'before' });
    await got.waitFor(1);

    const resyncs = [nextResync(a), nextResync(b)];
    await redis.restart(async () => {
      await a.publish('room:y', { frame: 'lost while down' });
      await b.subscribe('room:z', () => {});
    });
    await Promise.all(resyncs);
    assert.equal(a.stats().dropped >= 1, true);
    assert.equal(a.stats().connected && b.stats().connected, true);

    await a.publish('room:y', { frame: 'after' });
    await got.waitFor(2);
    assert.deepEqual(got.items.map((m) => m.frame), ['before', 'after']);
    await a.close();
    await b.close();
  });

  test('connecting to a Redis that is not there fails with a clear error', async () => {
    await assert.rejects(RedisBus.connect({ url: 'redis://127.0.0.1:1', nodeId: 'x' }), /cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});
