import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '../../src/config/limits.ts';
import { PresenceBatcher } from '../../src/presence/presence-batcher.ts';
import type { PresenceDiff } from '../../src/presence/presence-state.ts';
import { PresenceState } from '../../src/presence/presence-state.ts';
import { ManualTime } from '../transport/manual-time.ts';

function setup() {
  const time = new ManualTime();
  const emitted: Array<{ topic: string; diff: PresenceDiff }> = [];
  const batcher = new PresenceBatcher({ timers: time, emit: (topic, diff) => emitted.push({ topic, diff }) });
  return { time, emitted, batcher };
}

test('10,000 joins into one room cost one presence_diff per window, not 10,000', () => {
  const { time, emitted, batcher } = setup();
  const state = new PresenceState();
  for (let i = 0; i < 10_000; i++) batcher.add('room:big', state.join(`u${i}`, { phx_ref: `r${i}` }));
  assert.equal(emitted.length, 0, 'nothing before the window ends');
  assert.equal(time.pending, 1, 'one timer for the whole batch');
  time.advance(LIMITS.presenceBatchMs);
  assert.equal(emitted.length, 1);
  assert.equal(Object.keys(emitted[0]!.diff.joins).length, 10_000);
  assert.equal(time.pending, 0, 'no timer while nothing is pending');
});

test('one diff per topic per window; later changes go in the next window', () => {
  const { time, emitted, batcher } = setup();
  batcher.add('room:a', { joins: { u1: { metas: [{ phx_ref: '1' }] } }, leaves: {} });
  batcher.add('room:b', { joins: { u2: { metas: [{ phx_ref: '2' }] } }, leaves: {} });
  time.advance(LIMITS.presenceBatchMs - 1);
  batcher.add('room:a', { joins: { u3: { metas: [{ phx_ref: '3' }] } }, leaves: {} });
  time.advance(1);
  assert.deepEqual(emitted.map((e) => [e.topic, Object.keys(e.diff.joins)]), [['room:a', ['u1', 'u3']], ['room:b', ['u2']]]);
  batcher.add('room:a', { joins: {}, leaves: { u1: { metas: [{ phx_ref: '1' }] } } });
  time.advance(LIMITS.presenceBatchMs);
  assert.equal(emitted.length, 3);
  assert.deepEqual(emitted[2]!.diff, { joins: {}, leaves: { u1: { metas: [{ phx_ref: '1' }] } } });
});

test('a join and leave inside one window emit nothing', () => {
  const { time, emitted, batcher } = setup();
  batcher.add('room:a', { joins: { u1: { metas: [{ phx_ref: '1' }] } }, leaves: {} });
  batcher.add('room:a', { joins: {}, leaves: { u1: { metas: [{ phx_ref: '1' }] } } });
  time.advance(LIMITS.presenceBatchMs);
  assert.deepEqual(emitted, []);
});

test('flush emits at once and disarms the timer', () => {
  const { time, emitted, batcher } = setup();
  batcher.add('room:a', { joins: { u1: { metas: [{ phx_ref: '1' }] } }, leaves: {} });
  batcher.flush();
  assert.equal(emitted.length, 1);
  assert.equal(time.pending, 0);
});

test('stretch lengthens the window under way, from now; never shortens it; each topic keeps its own window', () => {
  const { time, emitted, batcher } = setup();
  batcher.add('room:a', { joins: { u1: { metas: [{ phx_ref: '1' }] } }, leaves: {} });
  time.advance(10);
  batcher.add('room:b', { joins: { u2: { metas: [{ phx_ref: '2' }] } }, leaves: {} });
  batcher.stretch('room:a', 100);
  batcher.stretch('room:b', 10);
  assert.equal(batcher.changes('room:a'), 1);
  time.advance(LIMITS.presenceBatchMs);
  assert.deepEqual(emitted.map((e) => e.topic), ['room:b'], 'b: its own base window, unshortened');
  time.advance(100 - LIMITS.presenceBatchMs - 1);
  assert.equal(emitted.length, 1);
  time.advance(1);
  assert.deepEqual(emitted.map((e) => e.topic), ['room:b', 'room:a'], 'a: 100 ms from the stretch');
  assert.equal(time.pending, 0);
  batcher.stretch('room:a', 100);
  assert.equal(time.pending, 0, 'nothing pending: nothing to stretch');
});
