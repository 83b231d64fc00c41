import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LIMITS } from '../../src/config/limits.ts';
import { PresenceReplication, PRESENCE_TOPIC } from '../../src/presence/presence-replication.ts';
import type { PresenceDiff } from '../../src/presence/presence-state.ts';
import { PresenceTracker } from '../../src/presence/presence-tracker.ts';
import type { Bus } from '../../src/pubsub/bus.ts';
import { MemoryBusHub, type MemoryBus } from '../../src/pubsub/memory-bus.ts';
import { ManualTime } from '../transport/manual-time.ts';

/** Lets every queued microtask (batched deltas, bus deliveries) run; no time passes. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One node: a tracker, its replication over the hub, and what its local subscribers were shown. */
async function node(hub: MemoryBusHub, time: ManualTime, name: string) {
  const bus = hub.connect();
  const published: string[] = [];
  const counting: Bus = {
    publish: (topic, message) => (published.push(topic), bus.publish(topic, message)),
    subscribe: (topic, handler) => bus.subscribe(topic, handler),
    unsubscribe: (topic) => bus.unsubscribe(topic),
    close: () => bus.close(),
  };
  const shown: Array<[string, PresenceDiff]> = [];
  const replication: PresenceReplication = new PresenceReplication({
    bus: counting, nodeId: name, clock: time, timers: time,
    localSnapshot: () => tracker.snapshot(),
    onRemoteDiff: (topic, diff) => shown.push([topic, diff]),
  });
  const tracker = new PresenceTracker({
    timers: time,
    remote: replication,
    show: (topic, event, payload) => {
      if (event === 'presence_diff') shown.push([topic, payload as unknown as PresenceDiff]);
    },
    replicate: (topic, diff) => replication.publishLocal(topic, diff),
  });
  await replication.start();
  return { bus: bus as MemoryBus, tracker, replication, shown, published, keys: (topic: string) => Object.keys(tracker.list(topic)).sort() };
}

describe('presence replicated between nodes over the bus', () => {
  test('every node lists the same presences; each node shows the others\' changes to its subscribers', async () => {
    const hub = new MemoryBusHub();
    const time = new ManualTime();
    const [a, b, c] = [await node(hub, time, 'A'), await node(hub, time, 'B'), await node(hub, time, 'C')];
    await settle();
    a.tracker.track('room:1', 'aiko', {});
    const benRef = b.tracker.track('room:1', 'ben', {});
    time.advance(LIMITS.presenceBatchMs);
    await settle();
    for (const n of [a, b, c]) assert.deepEqual(n.keys('room:1'), ['aiko', 'ben']);
    assert.deepEqual(c.shown.map(([, d]) => Object.keys(d.joins)[0]).sort(), ['aiko', 'ben']);

    b.tracker.untrack('room:1', 'ben', benRef);
    time.advance(LIMITS.presenceBatchMs);
    await settle();
    for (const n of [a, b, c]) assert.deepEqual(n.keys('room:1'), ['aiko']);

    const d = await node(hub, time, 'D');
    await settle();
    assert.deepEqual(d.keys('room:1'), ['aiko'], 'a node that starts later gets the others\' state');
  });

  test('a lost delta is repaired at the next heartbeat by a state transfer', async () => {
    const hub = new MemoryBusHub();
    const time = new ManualTime();
    const [a, b] = [await node(hub, time, 'A'), await node(hub, time, 'B')];
    await settle();
    hub.partition(a.bus);
    a.tracker.track('room:1', 'aiko', {});
    time.advance(LIMITS.presenceBatchMs);
    await settle();
    assert.deepEqual(b.keys('room:1'), []);
    hub.heal(a.bus);
    time.advance(LIMITS.presenceHeartbeatMs);
    await settle();
    assert.deepEqual(b.keys('room:1'), ['aiko']);
  });

  test('a node silent for the down period has its presences leave on every other node; one that stops says goodbye', async () => {
    const hub = new MemoryBusHub();
    const time = new ManualTime();
    const [a, b, c] = [await node(hub, time, 'A'), await node(hub, time, 'B'), await node(hub, time, 'C')];
    await settle();
    a.tracker.track('room:1', 'aiko', {});
    c.tracker.track('room:1', 'carl', {});
    time.advance(LIMITS.presenceBatchMs);
    await settle();
    assert.deepEqual(b.keys('room:1'), ['aiko', 'carl']);

    hub.partition(a.bus); // A crashes: it sends nothing more
    b.shown.length = 0;
    // Down once silent for presenceDownMs, noticed at the next sweep (one heartbeat later at most).
    for (let t = 0; t < LIMITS.presenceDownMs + LIMITS.presenceHeartbeatMs; t += LIMITS.presenceHeartbeatMs) {
      time.advance(LIMITS.presenceHeartbeatMs);
      await settle();
    }
    assert.deepEqual(b.keys('room:1'), ['carl']);
    assert.deepEqual(c.keys('room:1'), ['carl']);
    assert.deepEqual(b.shown.map(([, d]) => Object.keys(d.leaves)), [['aiko']]);

    await c.replication.stop();
    await settle();
    assert.deepEqual(b.keys('room:1'), [], 'goodbye removes at once');
  });

  test('a join storm of 10,000 into one room costs one delta per (storm) window, not one message per join', async () => {
    const hub = new MemoryBusHub();
    const time = new ManualTime();
    const [a, b] = [await node(hub, time, 'A'), await node(hub, time, 'B')];
    await settle();
    a.published.length = 0;
    for (let i = 0; i < 10_000; i++) a.tracker.track('room:big', `u${i}`, {});
    time.advance(LIMITS.presenceStormMs); // a storm: its window is stretched
    await settle();
    assert.deepEqual(a.published, [PRESENCE_TOPIC]);
    assert.equal(b.shown.length, 1, 'B\'s subscribers get one diff');
    assert.equal(Object.keys(b.tracker.list('room:big')).length, 10_000);
  });
});
