import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Presence } from 'phoenix';
import { LIMITS } from '../../src/config/limits.ts';
import { PresenceReplicas } from '../../src/presence/presence-replicas.ts';
import { PresenceState, type Presences } from '../../src/presence/presence-state.ts';
import { PresenceTracker, type PresenceEvent } from '../../src/presence/presence-tracker.ts';
import { v2JsonSerializer } from '../../src/protocol/v2-json-serializer.ts';
import { ManualTime } from '../transport/manual-time.ts';

const TOPIC = 'room:big';

/** One subscriber: the official phoenix.js Presence fed the frames a socket would get. */
class Client {
  readonly handlers = new Map<string, Array<(payload: unknown) => void>>();
  readonly events: string[] = [];
  readonly presence: Presence;
  count: number | undefined;
  phxRef: string | undefined;

  constructor(readonly key: string, readonly joinRef: string) {
    const channel = {
      on: (event: string, cb: (payload: unknown) => void) => this.handlers.set(event, [...(this.handlers.get(event) ?? []), cb]),
      joinRef: () => this.joinRef,
    };
    this.presence = new Presence(channel as never);
    this.handlers.set('presence_count', [(payload) => (this.count = (payload as { count: number }).count)]);
  }

  /** A frame as the socket writes it: decoded as phoenix.js does, dispatched by event (join_ref checked). */
  receive(frame: string): void {
    const [joinRef, , topic, event, payload] = JSON.parse(frame) as [string | null, null, string, string, unknown];
    assert.equal(topic, TOPIC);
    if (joinRef !== null && joinRef !== this.joinRef) return;
    this.events.push(event);
    for (const cb of this.handlers.get(event) ?? []) cb(payload);
  }

  /** What the client shows: keys and their phx_refs, sorted. */
  shown(): Record<string, string[]> {
    return canonical(this.presence.list((key: string, { metas }: { metas: Array<{ phx_ref: string }> }) => [key, metas.map((m) => m.phx_ref)]) as unknown as Array<[string, string[]]>);
  }
}

function canonical(entries: Array<[string, string[]]>): Record<string, string[]> {
  return Object.fromEntries(entries.map(([k, refs]) => [k, [...refs].sort()] as const).sort(([a], [b]) => a.localeCompare(b)));
}

function truth(list: Presences): Record<string, string[]> {
  return canonical(Object.entries(list).map(([k, { metas }]) => [k, metas.map((m) => m.phx_ref)]));
}

/** A node's presence for one topic with its local subscribers, as realtime wires it (show → local broadcast). */
function room(crowdedAt: number) {
  const time = new ManualTime();
  const subscribers = new Set<Client>();
  const shown: PresenceEvent[] = [];
  const tracker = new PresenceTracker({
    timers: time,
    crowdedAt,
    subscribers: () => subscribers.size,
    show: (topic, event, payload) => {
      shown.push(event);
      const frame = v2JsonSerializer.broadcast(topic, event, payload);
      for (const client of subscribers) client.receive(frame);
    },
  });
  let n = 0;
  return {
    time, tracker, subscribers, shown,
    /** Subscribe, get the join frames, be tracked: RoomChannel's order. */
    join(key: string): Client {
      const client = new Client(key, String(++n));
      subscribers.add(client);
      for (const frame of tracker.joinFrames(TOPIC, client.joinRef)) client.receive(frame);
      client.phxRef = tracker.track(TOPIC, key, { online_at: time.now() });
      return client;
    },
    leave(client: Client): void {
      subscribers.delete(client);
      tracker.untrack(TOPIC, client.key, client.phxRef!);
    },
  };
}

describe('presence seen by the official client', () => {
  test('coalesced diffs of a join/leave storm converge to the tracker\'s state in every phoenix.js Presence', () => {
    const r = room(10_000);
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const present: Client[] = [];
    for (let step = 0; step < 600; step++) {
      if (present.length > 0 && random() < 0.35) r.leave(present.splice(Math.floor(random() * present.length), 1)[0]!);
      else present.push(r.join(`u${Math.floor(random() * 60)}`)); // the same user on several devices too
      r.time.advance(Math.floor(random() * 30));
    }
    r.time.advance(LIMITS.presenceBatchMaxMs);
    const expected = truth(r.tracker.list(TOPIC));
    assert.ok(Object.keys(expected).length > 10);
    for (const client of present) assert.deepEqual(client.shown(), expected, `client ${client.joinRef}`);
    assert.ok(r.shown.filter((e) => e === 'presence_diff').length < 600, 'diffs were merged');
  });

  test('a room\'s window grows with its subscribers: a big room gets one diff per longer window', () => {
    const r = room(10_000);
    // 100 subscribers with the late one: past 25 and 50, so 2 × 2 × the base window.
    for (let i = 0; i < 4 * LIMITS.presenceBatchSubscribers - 1; i++) r.join(`u${i}`);
    r.time.advance(LIMITS.presenceBatchMaxMs);
    r.shown.length = 0;
    r.join('late');
    r.time.advance(LIMITS.presenceBatchMs);
    assert.deepEqual(r.shown, [], 'not yet at the base window');
    r.time.advance(4 * LIMITS.presenceBatchMs - LIMITS.presenceBatchMs);
    assert.deepEqual(r.shown, ['presence_diff'], `one diff after ${4 * LIMITS.presenceBatchMs} ms (subscribers ${r.subscribers.size})`);
  });

  test('a crowded room shows a count instead of members, and the full presence again once it empties out', () => {
    const crowdedAt = 10;
    const r = room(crowdedAt);
    const first = Array.from({ length: crowdedAt - 1 }, (_, i) => r.join(`u${i}`));
    r.time.advance(LIMITS.presenceBatchMaxMs);
    assert.deepEqual(first[0]!.shown(), truth(r.tracker.list(TOPIC)));
    assert.equal(r.tracker.isCrowded(TOPIC), false);

    const more = [r.join('u9'), r.join('u10'), r.join('u11')];
    r.time.advance(LIMITS.presenceBatchMaxMs);
    assert.equal(r.tracker.isCrowded(TOPIC), true);
    assert.deepEqual(r.shown.slice(-2), ['presence_state', 'presence_count']);
    for (const client of [...first, ...more]) {
      assert.deepEqual(client.shown(), {}, 'members are no longer listed');
      assert.equal(client.count, 12);
    }

    const late = r.join('late');
    assert.deepEqual(late.events, ['presence_state', 'presence_count'], 'a joiner gets an empty state and the count');
    assert.equal(late.count, 12);
    r.shown.length = 0;
    r.time.advance(LIMITS.presenceBatchMaxMs);
    assert.deepEqual(r.shown, ['presence_count'], 'no per-member diff in a crowded room');
    assert.equal(first[0]!.count, 13);

    // Below 80% of the threshold (8): the full state comes back, then diffs again.
    for (const client of first.slice(0, 6)) r.leave(client);
    r.time.advance(LIMITS.presenceBatchMaxMs);
    assert.equal(r.tracker.isCrowded(TOPIC), false);
    const remaining = [...first.slice(6), ...more, late];
    for (const client of remaining) assert.deepEqual(client.shown(), truth(r.tracker.list(TOPIC)));
    r.leave(late);
    r.time.advance(LIMITS.presenceBatchMaxMs);
    assert.equal(r.shown.at(-1), 'presence_diff');
    for (const client of remaining.slice(0, -1)) assert.deepEqual(client.shown(), truth(r.tracker.list(TOPIC)));
  });

  test('a crowded room\'s count is of people over every node: a user present on two nodes counts once', () => {
    const crowdedAt = 10;
    const time = new ManualTime();
    // Another node's presences, held as PresenceReplication holds them: u0…u4 are also here, x0…x2 only there.
    const replicas = new PresenceReplicas({ retryMs: 1_000 });
    const there: Presences = Object.fromEntries([...['u0', 'u1', 'u2', 'u3', 'u4'], ...['x0', 'x1', 'x2']].map((key) => [key, { metas: [{ phx_ref: `b-${key}` }] }]));
    replicas.state('node-b', 1, 0, 1, { [TOPIC]: there }, time.now());
    const counts: number[] = [];
    const tracker = new PresenceTracker({
      timers: time,
      crowdedAt,
      subscribers: () => 1,
      remote: { list: (t) => replicas.list(t), count: (t) => replicas.count(t), addKeys: (t, into) => replicas.addKeys(t, into) },
      show: (_topic, event, payload) => {
        if (event === 'presence_count') counts.push((payload as { count: number }).count);
      },
    });
    for (let i = 0; i < 10; i++) tracker.track(TOPIC, `u${i}`, { online_at: time.now() });
    time.advance(LIMITS.presenceBatchMaxMs);
    assert.equal(tracker.count(TOPIC), 13, 'u0…u9 here and x0…x2 there, not 10 + 8');
    assert.equal(tracker.isCrowded(TOPIC), true);
    assert.deepEqual(counts, [13]);
    const [, countFrame] = tracker.joinFrames(TOPIC, '7');
    assert.deepEqual(JSON.parse(countFrame!), ['7', null, TOPIC, 'presence_count', { count: 13 }], 'a joiner is shown the same count');

    replicas.remove('node-b');
    assert.equal(tracker.count(TOPIC), 10, 'without the other node, only ours');
  });

  test('the presence_state of joiners is the list of the last diff, serialized once per window; the next diff completes it', () => {
    const r = room(10_000);
    const a = r.join('a');
    r.time.advance(LIMITS.presenceBatchMaxMs);
    const frames1 = r.tracker.joinFrames(TOPIC, '9');
    const frames2 = r.tracker.joinFrames(TOPIC, '10');
    assert.deepEqual(JSON.parse(frames1[0]!), ['9', null, TOPIC, 'presence_state', r.tracker.list(TOPIC)]);
    assert.equal(frames1[0], JSON.stringify(['9', null, TOPIC, 'presence_state', r.tracker.list(TOPIC)]), 'byte for byte what JSON.stringify writes');
    assert.equal(frames2[0], JSON.stringify(['10', null, TOPIC, 'presence_state', r.tracker.list(TOPIC)]));
    const payload = (frame: string) => frame.slice(frame.indexOf('"presence_state",') + 17);
    assert.equal(payload(frames1[0]!), payload(frames2[0]!));

    const b = r.join('b');
    const c = r.join('c');
    assert.deepEqual(Object.keys(JSON.parse(r.tracker.joinFrames(TOPIC, null)[0]!)[4]), ['a'], 'joins inside the window come with its diff');
    assert.deepEqual(c.shown(), { a: [a.phxRef!] }, 'c was shown the snapshot, without b');
    r.time.advance(LIMITS.presenceBatchMaxMs);
    for (const client of [a, b, c]) assert.deepEqual(client.shown(), truth(r.tracker.list(TOPIC)), `client ${client.key} after the diff`);
    assert.deepEqual(Object.keys(JSON.parse(r.tracker.joinFrames(TOPIC, null)[0]!)[4]), ['a', 'b', 'c'], 'the next window\'s joiners get the new list');
  });

  test('a join storm stretches the room\'s window under way to presenceStormMs, and a quiet window ends it', () => {
    const r = room(10_000);
    for (let i = 0; i < LIMITS.presenceStormChanges - 1; i++) r.join(`s${i}`);
    r.time.advance(LIMITS.presenceBatchMs);
    assert.deepEqual(r.shown, ['presence_diff'], 'a few joins: the base window');
    r.time.advance(LIMITS.presenceBatchMaxMs);
    r.shown.length = 0;
    const joiners = Array.from({ length: 30 }, (_, i) => r.join(`t${i}`));
    r.time.advance(LIMITS.presenceStormMs - 1);
    assert.deepEqual(r.shown, [], 'the window of the storm is stretched');
    r.time.advance(1);
    assert.deepEqual(r.shown, ['presence_diff'], 'one diff for the whole storm');
    for (const client of joiners) assert.deepEqual(client.shown(), truth(r.tracker.list(TOPIC)), `client ${client.key}`);
    // Quiet again: the touched window after the storm carries nothing, then a lone join waits the base window only.
    r.time.advance(LIMITS.presenceBatchMaxMs);
    r.shown.length = 0;
    r.join('late');
    r.time.advance(LIMITS.presenceBatchMs * 2);
    assert.deepEqual(r.shown, ['presence_diff'], `a lone join after the storm (subscribers ${r.subscribers.size})`);
  });
  test('a storm nobody joins during ends with its window: a later lone change waits the base window', () => {
    const r = room(10_000);
    const watcher = new Client('watcher', '1');
    r.subscribers.add(watcher);
    for (let i = 0; i < 2 * LIMITS.presenceStormChanges; i++) r.tracker.track(TOPIC, `x${i}`, {});
    r.time.advance(LIMITS.presenceStormMs);
    assert.deepEqual(r.shown, ['presence_diff'], 'one diff for the storm');
    r.time.advance(LIMITS.presenceBatchMaxMs);
    r.tracker.track(TOPIC, 'later', {});
    r.time.advance(LIMITS.presenceBatchMs);
    assert.deepEqual(r.shown, ['presence_diff', 'presence_diff'], 'the base window again');
  });
});

describe('PresenceState.json', () => {
  test('is JSON.stringify(list()) byte for byte, whatever the keys and changes', () => {
    const state = new PresenceState();
    const keys = ['u1', '__proto__', '7', '10', 'ünï"code', '01JABCDEF', '-1', '007'];
    let seed = 3;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const refs: Array<[string, string]> = [];
    for (let i = 0; i < 300; i++) {
      if (refs.length > 0 && random() < 0.4) {
        const [key, ref] = refs.splice(Math.floor(random() * refs.length), 1)[0]!;
        state.leave(key, ref);
      } else {
        const key = keys[Math.floor(random() * keys.length)]!;
        state.join(key, { phx_ref: `r${i}`, name: `n${i}` });
        refs.push([key, `r${i}`]);
      }
      assert.equal(state.json(), JSON.stringify(state.list()), `step ${i}`);
    }
    state.apply({ joins: { x: { metas: [{ phx_ref: 'z' }] } }, leaves: {} });
    assert.equal(state.json(), JSON.stringify(state.list()));
  });

  test('stays exact when new keys are appended to the last one made (a room filling up), with leaves, second metas and drops between', () => {
    const state = new PresenceState();
    let seed = 11;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const refs: Array<[string, string]> = [];
    for (let i = 0; i < 400; i++) {
      const r = random();
      if (refs.length > 0 && r < 0.15) {
        const [key, ref] = refs.splice(Math.floor(random() * refs.length), 1)[0]!;
        state.leave(key, ref);
      } else if (r < 0.2) {
        state.dropFragments();
      } else {
        // mostly new keys (joiners), sometimes a second connection of someone present
        const key = refs.length > 0 && r < 0.3 ? refs[Math.floor(random() * refs.length)]![0] : `user-${i}`;
        state.join(key, { phx_ref: `r${i}`, name: `n"${i}` });
        refs.push([key, `r${i}`]);
      }
      assert.equal(state.json(), JSON.stringify(state.list()), `step ${i}`);
    }
  });
});
