import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { createStore } from '../../src/adapters/store/create-store.ts';
import type { Store } from '../../src/domain/store.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import { privatePostgresForSuite, requirePostgresOrSkip } from '../support/postgres.ts';
import { ManualTime } from '../transport/manual-time.ts';

const SUITE = 'cluster-wide cron: three nodes over one PostgreSQL';
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const SECOND = 1000;

/**
 * The scheduler (src/scheduler/) as a cluster runs it: three nodes, each with its own connection
 * pool to one PostgreSQL and a clock skewed by -2 s, 0 or +2 s, all running a job every second
 * for 30 s of injected time, ticking in a fixed interleaving. Every occurrence runs exactly once.
 */
describe(SUITE, requirePostgresOrSkip(SUITE), () => {
  const postgres = privatePostgresForSuite('cron');

  test('a job every second for 30 s across three nodes with clocks ±2 s apart runs each occurrence once', async () => {
    const url = await postgres.freshDatabaseUrl();
    const time = new ManualTime(T0);
    const stores: Store[] = [];
    const ran: Array<{ node: string; fireAt: number }> = [];
    const nodes: Scheduler[] = [];
    for (const [name, skew] of [['a', -2 * SECOND], ['b', 0], ['c', 2 * SECOND]] as const) {
      const store = await createStore({ databaseUrl: url, dataDir: '/nonexistent' });
      if (stores.length === 0) await store.migrate();
      stores.push(store);
      const scheduler = new Scheduler({ store, clock: { now: () => time.now() + skew }, timers: time, logger: pino({ level: 'silent' }), nodeId: name });
      scheduler.register('beat', async ({ fireAt }) => {
        ran.push({ node: name, fireAt });
      });
      scheduler.every('beat', '* * * * * *');
      nodes.push(scheduler);
    }
    // Time moves 250 ms at a time; the nodes tick together, one after another, or alone, in a fixed order.
    const patterns: Array<Array<number[]>> = [[[0, 1, 2]], [[2], [0], [1]], [[1]], [[0, 2], [1]], [[2, 1, 0]]];
    for (let step = 0; time.now() < T0 + 30 * SECOND + 2 * SECOND; step++) {
      time.advance(250);
      for (const group of patterns[step % patterns.length]!) await Promise.all(group.map((i) => nodes[i]!.tick()));
    }
    await Promise.all(nodes.map((n) => n.tick()));
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(stores.map((s) => s.close()));

    const fireTimes = ran.map((r) => r.fireAt).sort((x, y) => x - y);
    assert.equal(new Set(fireTimes).size, fireTimes.length, 'an occurrence ran twice');
    const first = fireTimes[0]!;
    assert.ok(first <= T0 + SECOND, `started with the first second (${first - T0} ms)`);
    const expected = Array.from({ length: (fireTimes.at(-1)! - first) / SECOND + 1 }, (_, i) => first + i * SECOND);
    assert.deepEqual(fireTimes, expected, 'none missing');
    assert.ok(fireTimes.at(-1)! >= T0 + 30 * SECOND, 'kept up for 30 s');
    assert.deepEqual(new Set(ran.map((r) => r.node)), new Set(['a', 'b', 'c']), 'every node ran some');
  });
});
