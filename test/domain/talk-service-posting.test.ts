import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { systemClock } from '../../src/domain/clock.ts';
import { IdGenerator } from '../../src/domain/ids.ts';
import { TalkService } from '../../src/domain/talk-service.ts';
import { MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { PubSub } from '../../src/pubsub/pubsub.ts';

const T0 = 1_700_000_000_000;

test('posts of one turn: every msg broadcast, seqs per room, and one room:activity per room with its newest seq', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renraku-talk-'));
  const store = await createStore({ dataDir: dir });
  try {
    await store.migrate();
    await store.users.create({ id: 'u-1', email: 'one@example.com', name: 'One', password_hash: 'x', created_at: T0 });
    await store.users.create({ id: 'u-2', email: 'two@example.com', name: 'Two', password_hash: 'x', created_at: T0 });
    const group = await store.groups.create({ id: 'g-1', name: 'G', slug: 'g', created_by: 'u-1', created_at: T0 }, T0);
    await store.groups.addMember({ group_id: group.id, user_id: 'u-2', role: 'member', joined_at: T0 });
    const roomA = await store.rooms.create({ id: 'r-a', group_id: group.id, name: 'A', created_by: 'u-1', created_at: T0, last_seq: 0 });
    const roomB = await store.rooms.create({ id: 'r-b', group_id: group.id, name: 'B', created_by: 'u-1', created_at: T0, last_seq: 0 });

    const pubsub = new PubSub({ bus: new MemoryBusHub().connect() });
    const frames = (topic: string) => {
      const got: unknown[] = [];
      pubsub.subscribe(topic, (m) => got.push(JSON.parse(m.frame as string)));
      return got;
    };
    const activity = frames('group:g-1');
    const inA = frames('room:r-a');
    const inB = frames('room:r-b');
    const talk = new TalkService({ store, notifier: pubsub, clock: systemClock, ids: new IdGenerator() });

    const posts = await Promise.all([
      talk.postChecked(roomA, 'u-1', { body: 'a1', client_id: 'k1' }),
      talk.postChecked(roomB, 'u-2', { body: 'b1' }),
      talk.postChecked(roomA, 'u-2', { body: 'a2' }),
      talk.postChecked(roomA, 'u-1', { body: 'a1', client_id: 'k1' }),
      talk.postChecked(roomA, 'u-1', { body: 'a3' }),
    ]);
    assert.deepEqual(posts.map((p) => [p.room_id, p.seq]), [['r-a', 1], ['r-b', 1], ['r-a', 2], ['r-a', 1], ['r-a', 3]]);
    await nextTurn();
    assert.deepEqual(inA.map((f) => (f as [null, null, string, string, { seq: number }])[4].seq), [1, 2, 3], 'each new message once, a retry not again');
    assert.equal(inB.length, 1);
    assert.deepEqual(activity, [
      [null, null, 'group:g-1', 'room:activity', { room_id: 'r-a', last_seq: 3, author_id: 'u-1' }],
      [null, null, 'group:g-1', 'room:activity', { room_id: 'r-b', last_seq: 1, author_id: 'u-2' }],
    ]);

    await talk.postChecked(roomB, 'u-1', { body: 'b2' });
    await nextTurn();
    assert.deepEqual(activity.at(-1), [null, null, 'group:g-1', 'room:activity', { room_id: 'r-b', last_seq: 2, author_id: 'u-1' }]);
    assert.equal(activity.length, 3);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
