import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIMITS } from '../../src/config/limits.ts';
import { PresenceTracker } from '../../src/presence/presence-tracker.ts';
import type { PresenceDiff } from '../../src/presence/presence-state.ts';
import { ManualTime } from '../transport/manual-time.ts';

test('track and untrack show in list at once and reach subscribers as batched diffs', () => {
  const time = new ManualTime();
  const sent: Array<[string, PresenceDiff]> = [];
  const tracker = new PresenceTracker({ timers: time, show: (topic, event, payload) => { if (event === 'presence_diff') sent.push([topic, payload as unknown as PresenceDiff]); } });
  const r1 = tracker.track('room:a', 'u1', { online_at: 1 });
  const r2 = tracker.track('room:a', 'u1', { online_at: 2 });
  assert.notEqual(r1, r2);
  assert.deepEqual(tracker.list('room:a'), { u1: { metas: [{ online_at: 1, phx_ref: r1 }, { online_at: 2, phx_ref: r2 }] } });
  time.advance(LIMITS.presenceBatchMs);
  assert.equal(sent.length, 1);
  assert.deepEqual(Object.keys(sent[0]![1].joins), ['u1']);

  tracker.untrack('room:a', 'u1', r1);
  tracker.untrack('room:a', 'u1', r1);
  tracker.untrack('room:nowhere', 'u1', r1);
  tracker.untrack('room:a', 'u1', r2);
  assert.deepEqual(tracker.list('room:a'), {});
  time.advance(LIMITS.presenceBatchMs);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1]![1].leaves.u1!.metas.map((x) => x.phx_ref), [r1, r2]);
});

test('phx_refs of two trackers (two nodes) never collide', () => {
  const time = new ManualTime();
  const a = new PresenceTracker({ timers: time, show: () => {} });
  const b = new PresenceTracker({ timers: time, show: () => {} });
  assert.notEqual(a.track('t:1', 'k', {}), b.track('t:1', 'k', {}));
});
