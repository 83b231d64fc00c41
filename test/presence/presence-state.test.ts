import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Presence } from 'phoenix';
import { DiffAccumulator, emptyDiff, isEmptyDiff, mergeDiffs, PresenceState, type PresenceDiff, type Presences } from '../../src/presence/presence-state.ts';

const m = (phx_ref: string, extra: Record<string, unknown> = {}) => ({ phx_ref, ...extra });

/** What phoenix.js makes of a state after a diff (the client's own algorithm). */
function clientApply(state: Presences, diff: PresenceDiff): Presences {
  const phoenix = Presence as unknown as { syncDiff(s: Presences, d: PresenceDiff): Presences };
  return normalize(phoenix.syncDiff(structuredClone(state), structuredClone(diff)));
}

/** Keys and metas in a canonical order, so states compare by content. */
function normalize(state: Presences): Presences {
  return Object.fromEntries(Object.keys(state).sort().map((k) => [k, { metas: state[k]!.metas.map((x) => ({ ...x })).sort((a, b) => a.phx_ref.localeCompare(b.phx_ref)) }]));
}

describe('PresenceState', () => {
  test('join and leave return the diff they caused', () => {
    const state = new PresenceState();
    assert.deepEqual(state.join('u1', m('a', { name: 'Aiko' })), { joins: { u1: { metas: [m('a', { name: 'Aiko' })] } }, leaves: {} });
    state.join('u1', m('b'));
    assert.deepEqual(state.list(), { u1: { metas: [m('a', { name: 'Aiko' }), m('b')] } });
    assert.deepEqual(state.leave('u1', 'a'), { joins: {}, leaves: { u1: { metas: [m('a', { name: 'Aiko' })] } } });
    assert.deepEqual(state.leave('u1', 'a'), emptyDiff(), 'leaving twice changes nothing');
    state.leave('u1', 'b');
    assert.deepEqual(state.list(), {});
    assert.equal(state.size, 0);
  });

  test('apply builds the same state on a replica', () => {
    const origin = new PresenceState();
    const replica = new PresenceState();
    for (const diff of [origin.join('u1', m('a')), origin.join('u2', m('b')), origin.leave('u1', 'a'), origin.join('u2', m('c'))]) replica.apply(diff);
    assert.deepEqual(replica.list(), origin.list());
  });

  test('a key named __proto__ is just a key', () => {
    const state = new PresenceState();
    state.join('__proto__', m('a'));
    assert.deepEqual(Object.keys(state.list()), ['__proto__']);
    assert.equal(Object.getPrototypeOf(state.list()), Object.prototype);
  });
});

describe('merging diffs', () => {
  test('a join then a leave of the same phx_ref inside one batch cancel out', () => {
    const merged = mergeDiffs(
      { joins: { u1: { metas: [m('a')] } }, leaves: {} },
      { joins: {}, leaves: { u1: { metas: [m('a')] } } },
    );
    assert.ok(isEmptyDiff(merged));
  });

  test('a leave then a join of the same phx_ref becomes the join', () => {
    const merged = mergeDiffs(
      { joins: {}, leaves: { u1: { metas: [m('a')] } } },
      { joins: { u1: { metas: [m('a', { v: 2 })] } }, leaves: {} },
    );
    assert.deepEqual(merged, { joins: { u1: { metas: [m('a', { v: 2 })] } }, leaves: {} });
  });

  test('leave, join, leave of one phx_ref is a leave', () => {
    const leave = { joins: {}, leaves: { u1: { metas: [m('a')] } } };
    const merged = mergeDiffs(leave, { joins: { u1: { metas: [m('a')] } }, leaves: {} }, leave);
    assert.deepEqual(merged, leave);
  });

  test('a reconnect (leave old ref, join new ref) keeps both', () => {
    const merged = mergeDiffs({ joins: {}, leaves: { u1: { metas: [m('a')] } } }, { joins: { u1: { metas: [m('b')] } }, leaves: {} });
    assert.deepEqual(merged, { joins: { u1: { metas: [m('b')] } }, leaves: { u1: { metas: [m('a')] } } });
  });

  test('phoenix.js ends in the same state from the merged diff as from every diff in turn', () => {
    // A deterministic pseudo-random walk over a few keys and refs.
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let round = 0; round < 200; round++) {
      const server = new PresenceState();
      for (let i = 0; i < rand(6); i++) server.join(`u${rand(3)}`, m(`pre${round}-${i}`));
      const before = normalize(server.list());
      const diffs: PresenceDiff[] = [];
      const live: Array<[string, string]> = Object.entries(server.list()).flatMap(([k, { metas }]) => metas.map((x) => [k, x.phx_ref] as [string, string]));
      for (let i = 0; i < 1 + rand(12); i++) {
        if (live.length > 0 && rand(2) === 0) {
          const [key, ref] = live.splice(rand(live.length), 1)[0]!;
          diffs.push(server.leave(key, ref));
        } else {
          const key = `u${rand(3)}`;
          const ref = `r${round}-${i}`;
          live.push([key, ref]);
          diffs.push(server.join(key, m(ref)));
        }
      }
      const stepwise = diffs.reduce((s, d) => clientApply(s, d), before);
      assert.deepEqual(clientApply(before, mergeDiffs(...diffs)), stepwise, `round ${round}`);
      assert.deepEqual(stepwise, normalize(server.list()), `round ${round}`);
    }
  });

  test('the accumulator starts again empty after take', () => {
    const acc = new DiffAccumulator();
    acc.add({ joins: { u: { metas: [m('a')] } }, leaves: {} });
    assert.equal(acc.isEmpty, false);
    acc.take();
    assert.equal(acc.isEmpty, true);
    assert.deepEqual(acc.take(), emptyDiff());
  });
});
