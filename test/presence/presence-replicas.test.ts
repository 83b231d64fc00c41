import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffPresences, mergePresencesInto, PresenceReplicas } from '../../src/presence/presence-replicas.ts';
import type { PresenceDiff, Presences } from '../../src/presence/presence-state.ts';

const meta = (ref: string, extra: Record<string, unknown> = {}) => ({ phx_ref: ref, ...extra });
const join = (key: string, ref: string): PresenceDiff => ({ joins: { [key]: { metas: [meta(ref)] } }, leaves: {} });
const leave = (key: string, ref: string): PresenceDiff => ({ joins: {}, leaves: { [key]: { metas: [meta(ref)] } } });
const RETRY = 1000;

describe('PresenceReplicas', () => {
  test('deltas in order are applied and passed on; a repeated one is ignored', () => {
    const r = new PresenceReplicas({ retryMs: RETRY });
    assert.deepEqual(r.heartbeat('B', 0, 0), { needState: false });
    const first = r.delta('B', 1, { 'room:1': join('u1', 'b1') }, 10);
    assert.deepEqual(first, { diffs: [['room:1', join('u1', 'b1')]], needState: false });
    assert.deepEqual(r.delta('B', 1, { 'room:1': join('u1', 'b1') }, 11), { diffs: [], needState: false });
    r.delta('B', 2, { 'room:1': join('u2', 'b2') }, 12);
    assert.deepEqual(Object.keys(r.list('room:1')).sort(), ['u1', 'u2']);
    r.delta('B', 3, { 'room:1': leave('u1', 'b1') }, 13);
    assert.deepEqual(r.list('room:1'), { u2: { metas: [meta('b2')] } });
  });

  test('a gap asks for the state (at most once per retry period); the state replaces the replica with the difference', () => {
    const r = new PresenceReplicas({ retryMs: RETRY });
    r.heartbeat('B', 0, 0);
    r.delta('B', 1, { 'room:1': join('u1', 'b1') }, 1);
    assert.deepEqual(r.delta('B', 3, { 'room:1': join('u3', 'b3') }, 2), { diffs: [], needState: true });
    assert.deepEqual(r.heartbeat('B', 3, 3), { needState: false }, 'asked already within the retry period');
    assert.deepEqual(r.heartbeat('B', 3, 2 + RETRY), { needState: true });
    const changes = r.state('B', 3, 0, 1, { 'room:1': { u3: { metas: [meta('b3')] }, u2: { metas: [meta('b2')] } } }, 2 + RETRY);
    assert.deepEqual(changes, [['room:1', { joins: { u3: { metas: [meta('b3')] }, u2: { metas: [meta('b2')] } }, leaves: { u1: { metas: [meta('b1')] } } }]]);
    assert.deepEqual(r.delta('B', 4, { 'room:1': leave('u2', 'b2') }, 2 + RETRY).diffs.length, 1);
    assert.deepEqual(r.list('room:1'), { u3: { metas: [meta('b3')] } });
  });

  test('a node first seen past version 0 needs its state; chunks apply only when all are in, in order', () => {
    const r = new PresenceReplicas({ retryMs: RETRY });
    assert.deepEqual(r.heartbeat('C', 7, 0), { needState: true });
    assert.deepEqual(r.state('C', 7, 0, 2, { 'room:1': { u1: { metas: [meta('c1')] } } }, 1), []);
    assert.deepEqual(r.list('room:1'), {}, 'nothing shows before the last chunk');
    const changes = r.state('C', 7, 1, 2, { 'room:2': { u2: { metas: [meta('c2')] } } }, 1);
    assert.deepEqual(changes.map(([topic]) => topic).sort(), ['room:1', 'room:2']);
    assert.deepEqual(r.heartbeat('C', 7, 2), { needState: false });

    assert.deepEqual(r.state('C', 9, 1, 2, { 'room:3': { u3: { metas: [meta('c3')] } } }, 3), [], 'a chunk without its first is dropped');
    assert.deepEqual(r.list('room:3'), {});
  });

  test('a node silent for the down period, or saying goodbye, has all its presences leave', () => {
    const r = new PresenceReplicas({ retryMs: RETRY });
    r.heartbeat('B', 0, 0);
    r.heartbeat('C', 0, 0);
    r.delta('B', 1, { 'room:1': join('u1', 'b1'), 'room:2': join('u1', 'b2') }, 0);
    r.delta('C', 1, { 'room:1': join('u9', 'c1') }, 0);
    r.heartbeat('C', 1, 5000);
    const { nodes, diffs } = r.expire(10_000, 10_000);
    assert.deepEqual(nodes, ['B']);
    assert.deepEqual(diffs, [['room:1', leave('u1', 'b1')], ['room:2', leave('u1', 'b2')]]);
    assert.deepEqual(r.list('room:1'), { u9: { metas: [meta('c1')] } });
    assert.deepEqual(r.remove('C'), [['room:1', leave('u9', 'c1')]]);
    assert.deepEqual(r.nodes(), []);
  });

  test('list merges the metas of one key held on several nodes', () => {
    const r = new PresenceReplicas({ retryMs: RETRY });
    r.heartbeat('B', 0, 0);
    r.heartbeat('C', 0, 0);
    r.delta('B', 1, { 'room:1': join('u1', 'b1') }, 0);
    r.delta('C', 1, { 'room:1': join('u1', 'c1') }, 0);
    assert.deepEqual(r.list('room:1'), { u1: { metas: [meta('b1'), meta('c1')] } });
  });
});

describe('presence value helpers', () => {
  test('diffPresences: new or changed metas join, missing ones leave', () => {
    const before: Presences = { a: { metas: [meta('1', { x: 1 }), meta('2')] }, b: { metas: [meta('3')] } };
    const after: Presences = { a: { metas: [meta('1', { x: 2 })] }, c: { metas: [meta('4')] } };
    assert.deepEqual(diffPresences(before, after), {
      joins: { a: { metas: [meta('1', { x: 2 })] }, c: { metas: [meta('4')] } },
      leaves: { a: { metas: [meta('2')] }, b: { metas: [meta('3')] } },
    });
    assert.deepEqual(diffPresences(after, after), { joins: {}, leaves: {} });
  });

  test('mergePresencesInto keeps "__proto__" an own key and copies metas', () => {
    const from: Presences = JSON.parse('{"__proto__":{"metas":[{"phx_ref":"p"}]}}');
    const into = mergePresencesInto({}, from);
    assert.deepEqual(Object.keys(into), ['__proto__']);
    into.__proto__!.metas.push(meta('q'));
    assert.equal(from.__proto__!.metas.length, 1);
  });
});
