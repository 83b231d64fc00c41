import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '../../src/config/limits.ts';
import type { Timers } from '../../src/domain/clock.ts';
import { ConnectionTable } from '../../src/ops/connection-table.ts';
import { parseTraceTarget, startTrace, type TraceEvent } from '../../src/ops/trace.ts';
import { MemoryBus, MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { PubSub } from '../../src/pubsub/pubsub.ts';

/** Timers fired by hand: the trace's time limit and its per-second refill without waiting. */
function manualTimers(): Timers & { fire(): void; tick(): void; pending: number } {
  const due = new Map<number, () => void>();
  const every = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (fn) => (due.set(next, fn), next++),
    clearTimeout: (handle) => void due.delete(handle as number),
    setInterval: (fn) => (every.set(next, fn), next++),
    clearInterval: (handle) => void every.delete(handle as number),
    fire() {
      const fns = [...due.values()];
      due.clear();
      for (const fn of fns) fn();
    },
    tick() {
      for (const fn of [...every.values()]) fn();
    },
    get pending() {
      return due.size + every.size;
    },
  };
}

function world() {
  const clock = { now: () => 1_000_000 };
  const pubsub = new PubSub({ bus: new MemoryBus(new MemoryBusHub()) });
  const timers = manualTimers();
  const connections = new ConnectionTable({ clock });
  return { pubsub, timers, connections, clock };
}

test('a trace of a hot topic looks at no more than the per-second cap, counting the rest', async () => {
  const w = world();
  const events: TraceEvent[] = [];
  const trace = startTrace(w, parseTraceTarget('room:hot'), { max: 10_000, seconds: 60 }, (e) => events.push(e));
  const burst = LIMITS.opsTraceEventsPerSecond * 5;
  for (let i = 0; i < burst; i++) w.pubsub.localBroadcast('room:hot', 'msg', { body: `m${i}` });
  assert.equal(events.length, LIMITS.opsTraceEventsPerSecond);
  w.timers.tick(); // a second later
  for (let i = 0; i < 10; i++) w.pubsub.localBroadcast('room:hot', 'msg', { body: `later ${i}` });
  assert.equal(events.length, LIMITS.opsTraceEventsPerSecond + 10, 'the next second has a fresh allowance');
  trace.cancel();
  const summary = await trace.done;
  assert.deepEqual(summary, { recorded: LIMITS.opsTraceEventsPerSecond + 10, dropped: burst - LIMITS.opsTraceEventsPerSecond, stoppedBy: 'cancelled' });
  assert.equal(w.pubsub.subscriberCount('room:hot'), 0, 'unsubscribed');
  assert.deepEqual([events[0]!.topic, events[0]!.event, events[0]!.kind], ['room:hot', 'msg', 'broadcast']);
});

test('a trace stops at --max, and by its timer at --seconds, whichever comes first', async () => {
  const w = world();
  const byMax = startTrace(w, parseTraceTarget('room:a'), { max: 3, seconds: 60 }, () => {});
  for (let i = 0; i < 5; i++) w.pubsub.localBroadcast('room:a', 'msg', {});
  assert.deepEqual(await byMax.done, { recorded: 3, dropped: 0, stoppedBy: 'max' });
  assert.equal(w.pubsub.subscriberCount('room:a'), 0);
  assert.equal(w.timers.pending, 0, 'its timers are cleared');

  const bySeconds = startTrace(w, parseTraceTarget('room:b'), { max: 3, seconds: 5 }, () => {});
  w.pubsub.localBroadcast('room:b', 'msg', {});
  w.timers.fire();
  assert.deepEqual(await bySeconds.done, { recorded: 1, dropped: 0, stoppedBy: 'seconds' });
  assert.equal(w.pubsub.subscriberCount('room:b'), 0);
});

test('a user trace taps that user\'s frames in and out, previews capped', async () => {
  const w = world();
  const sent: string[] = [];
  const accept = w.connections.observe(() => ({ receive: () => {}, closed: () => {} }));
  const mk = (id: string) => ({ id, transport: 'websocket' as const, bufferedAmount: 0, send: (f: string | Buffer) => void sent.push(String(f)), close: () => {} });
  const handler = accept(mk('c1'), 'u1');
  const other = accept(mk('c2'), 'u2');
  const events: TraceEvent[] = [];
  const trace = startTrace(w, parseTraceTarget('u1'), { max: 3, seconds: 60 }, (e) => events.push(e));
  other.receive('["1","1","room:x","msg:new",{"body":"not traced"}]', false);
  handler.receive(`["1","2","room:x","msg:new",{"body":"${'x'.repeat(2000)}"}]`, false);
  assert.equal(events.length, 1);
  assert.deepEqual([events[0]!.kind, events[0]!.connection, events[0]!.topic, events[0]!.event], ['in', 'c1', 'room:x', 'msg:new']);
  assert.equal(events[0]!.preview.length, LIMITS.opsTracePreviewChars);
  trace.cancel();
  await trace.done;
  handler.receive('["1","3","room:x","msg:new",{}]', false);
  assert.equal(events.length, 1, 'no tap after the trace ends');
  assert.equal(w.connections.totals().framesIn, 3);
});
