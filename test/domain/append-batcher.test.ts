import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { AppendBatcher } from '../../src/domain/append-batcher.ts';
import { IdGenerator } from '../../src/domain/ids.ts';
import type { MessageRepository } from '../../src/domain/store.ts';

test('appends made in one turn share one transaction; each caller gets its own seq and idempotency holds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'renraku-batch-'));
  const store = await createStore({ dataDir: dir });
  try {
    await store.migrate();
    const ids = new IdGenerator();
    const now = Date.now();
    const user = { id: ids.next(), email: 'a@example.test', name: 'A', created_at: now, password_hash: 'none' };
    await store.users.create(user);
    const group = await store.groups.create({ id: ids.next(), name: 'g', slug: 'g', created_by: user.id, created_at: now }, now);
    const room = await store.rooms.create({ id: ids.next(), group_id: group.id, name: 'r', created_by: user.id, created_at: now, last_seq: 0 });

    const calls: number[] = [];
    const real = store.messages;
    const counting: MessageRepository = Object.assign(Object.create(Object.getPrototypeOf(real)) as MessageRepository, real, {
      append: (m: Parameters<MessageRepository['append']>[0]) => { calls.push(1); return real.append(m); },
      appendMany: (ms: Parameters<MessageRepository['appendMany']>[0]) => { calls.push(ms.length); return real.appendMany(ms); },
    });
    const batcher = new AppendBatcher(counting);
    const message = (i: number, clientId: string | null = `c${i}`) => ({
      id: ids.next(), room_id: room.id, author_id: user.id, body: `m${i}`, reply_to: null, mentions: [], client_id: clientId, created_at: now,
    });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => batcher.append(message(i))));
    assert.deepEqual(results.map((r) => r.message.seq), Array.from({ length: 100 }, (_, i) => i + 1));
    assert.deepEqual(calls, [100], 'one appendMany for the whole turn');

    const again = await Promise.all([batcher.append(message(0)), batcher.append(message(100))]);
    assert.deepEqual(again.map((r) => [r.message.seq, r.created]), [[1, false], [101, true]]);

    const lone = await batcher.append(message(101));
    assert.equal(lone.message.seq, 102);
    assert.deepEqual(calls, [100, 2, 1]);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
