import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import type { AppendResult, Store } from '../../src/domain/store.ts';
import type { NewMessage } from '../../src/domain/types.ts';
import { createDatabase, requirePostgresOrSkip, startPostgres, type PrivatePostgres } from '../support/postgres.ts';

const SUITE = 'postgres seq under concurrent writers';
const T0 = 1_700_000_000_000;
const WRITERS = 8;
const PER_WRITER = 50;

/**
 * Several stores with their own pools stand in for several server processes writing one
 * room. Every append of every writer is in flight at once, so they really contend for the
 * room row; the assertions hold for any interleaving.
 */
describe(SUITE, requirePostgresOrSkip(SUITE), () => {
  let server: PrivatePostgres;
  let databases = 0;
  /** Stores of the running test, closed after it: idle pool clients count against max_connections. */
  let stores: Store[] = [];

  before(async () => {
    server = await startPostgres();
  });
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });
  after(async () => {
    await server?.stop();
  });

  /** A fresh database with one user, group and room; then `count` independent stores on it. */
  async function openWriters(count: number): Promise<Store[]> {
    databases += 1;
    const name = `seq_${databases}`;
    await createDatabase(server.url, name);
    const url = server.urlFor(name);
    const opened = await Promise.all(Array.from({ length: count }, () => createStore({ databaseUrl: url, dataDir: '/nonexistent' })));
    stores.push(...opened);
    const first = opened[0]!;
    await first.migrate();
    await first.users.create({ id: 'u-1', email: 'one@example.com', name: 'One', password_hash: 'x', created_at: T0 });
    await first.groups.create({ id: 'g-1', name: 'G', slug: 'g', created_by: 'u-1', created_at: T0 }, T0);
    await first.rooms.create({ id: 'r-1', group_id: 'g-1', name: 'R', created_by: 'u-1', created_at: T0, last_seq: 0 });
    return opened;
  }

  function message(id: string, clientId: string | null): NewMessage {
    return { id, room_id: 'r-1', author_id: 'u-1', body: id, reply_to: null, mentions: [], client_id: clientId, created_at: T0 };
  }

  it(`${WRITERS} writers × ${PER_WRITER} appends: seqs are exactly 1..${WRITERS * PER_WRITER}, each given once`, async () => {
    const writers = await openWriters(WRITERS);
    const results: AppendResult[] = await Promise.all(
      writers.flatMap((store, w) =>
        Array.from({ length: PER_WRITER }, (_, i) => store.messages.append(message(`m-${w}-${i}`, i % 2 === 0 ? `c-${w}-${i}` : null))),
      ),
    );
    const total = WRITERS * PER_WRITER;
    const expected = Array.from({ length: total }, (_, i) => i + 1);
    assert.ok(results.every((r) => r.created));
    assert.deepEqual(results.map((r) => r.message.seq).sort((a, b) => a - b), expected);
    const stored = await writers[0]!.messages.range('r-1', { afterSeq: 0, limit: total + 1 });
    assert.deepEqual(stored.map((m) => m.seq), expected);
    const seqById = new Map(results.map((r) => [r.message.id, r.message.seq]));
    assert.ok(stored.every((m) => seqById.get(m.id) === m.seq), 'every caller was told the seq that was stored');
    assert.equal((await writers[0]!.rooms.findById('r-1'))?.last_seq, total);
  });

  it('batches from several writers interleave without gaps or deadlocks', async () => {
    const writers = await openWriters(4);
    await writers[0]!.rooms.create({ id: 'r-2', group_id: 'g-1', name: 'R2', created_by: 'u-1', created_at: T0, last_seq: 0 });
    const results = await Promise.all(
      writers.flatMap((store, w) =>
        Array.from({ length: 10 }, (_, b) =>
          store.messages.appendMany(
            Array.from({ length: 20 }, (_, i) => ({ ...message(`b-${w}-${b}-${i}`, null), room_id: (w + b + i) % 2 === 0 ? 'r-1' : 'r-2' })),
          ),
        ),
      ),
    );
    for (const room of ['r-1', 'r-2']) {
      const seqs = results.flat().filter((r) => r.message.room_id === room).map((r) => r.message.seq).sort((a, b) => a - b);
      assert.deepEqual(seqs, Array.from({ length: 400 }, (_, i) => i + 1), room);
    }
  });

  it('one client_id appended concurrently from several pools is stored once; every caller gets it', async () => {
    const writers = await openWriters(WRITERS);
    const results = await Promise.all(
      writers.flatMap((store, w) => [0, 1, 2].map((k) => store.messages.append(message(`dup-${w}-${k}`, 'same-client-id')))),
    );
    const winner = results.filter((r) => r.created);
    assert.equal(winner.length, 1);
    assert.ok(results.every((r) => r.message.id === winner[0]!.message.id && r.message.seq === 1));
    assert.deepEqual(new Set(results.map((r) => JSON.stringify(r.message))).size, 1);
    assert.equal((await writers[0]!.messages.range('r-1', { limit: 100 })).length, 1);
    assert.equal((await writers[0]!.rooms.findById('r-1'))?.last_seq, 1, 'losers gave their seq back');
  });

  it('the same batch of client_ids over two rooms from several pools: each key stored once, seqs gapless', async () => {
    const writers = await openWriters(4);
    await writers[0]!.rooms.create({ id: 'r-2', group_id: 'g-1', name: 'R2', created_by: 'u-1', created_at: T0, last_seq: 0 });
    const keys = 30;
    const results = await Promise.all(
      writers.map((store, w) =>
        store.messages.appendMany(
          Array.from({ length: keys }, (_, i) => ({ ...message(`k-${w}-${i}`, `key-${i}`), room_id: i % 2 === 0 ? 'r-1' : 'r-2' })),
        ),
      ),
    );
    for (let i = 0; i < keys; i++) {
      const answers = results.map((batch) => batch[i]!);
      assert.equal(answers.filter((r) => r.created).length, 1, `key-${i} created once`);
      assert.equal(new Set(answers.map((r) => JSON.stringify(r.message))).size, 1, `key-${i} answered alike`);
    }
    for (const room of ['r-1', 'r-2']) {
      const stored = await writers[0]!.messages.range(room, { afterSeq: 0, limit: 100 });
      assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: keys / 2 }, (_, i) => i + 1), room);
      assert.equal((await writers[0]!.rooms.findById(room))?.last_seq, keys / 2);
    }
  });
});
