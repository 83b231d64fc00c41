import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite-database.ts';
import { storeContract } from './store-contract.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'renraku-store-'));
}

storeContract('sqlite', async () => {
  const dataDir = tempDir();
  const store = await createStore({ dataDir });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

describe('sqlite database', () => {
  it('is durable and strict: WAL, synchronous=FULL, foreign keys on, a busy timeout', async () => {
    const dir = tempDir();
    const { db } = openSqliteDatabase(join(dir, 'nested', 'x.sqlite3'));
    try {
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
      assert.equal(await pragma('journal_mode'), 'wal');
      assert.equal(await pragma('synchronous'), 2);
      assert.equal(await pragma('foreign_keys'), 1);
      assert.ok(Number(await pragma('busy_timeout')) > 0);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sqlite database with the append thread', () => {
  const T0 = 1_700_000_000_000;

  async function roomStore(dir: string) {
    const store = await createStore({ dataDir: dir });
    await store.migrate();
    await store.users.create({ id: 'u-1', email: 'one@example.com', name: 'One', password_hash: 'x', created_at: T0 });
    await store.groups.create({ id: 'g-1', name: 'G', slug: 'g', created_by: 'u-1', created_at: T0 }, T0);
    await store.rooms.create({ id: 'r-1', group_id: 'g-1', name: 'R', created_by: 'u-1', created_at: T0, last_seq: 0 });
    return store;
  }

  function message(id: string) {
    return { id, room_id: 'r-1', author_id: 'u-1', body: id, reply_to: null, mentions: [], client_id: null, created_at: T0 };
  }

  it('Kysely transactions take the write lock at begin, so they wait for the append thread instead of failing', async () => {
    const dir = tempDir();
    const { db } = openSqliteDatabase(join(dir, 'x.sqlite3'));
    const other = new BetterSqlite3(join(dir, 'x.sqlite3'), { timeout: 0 });
    try {
      await db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        // nothing written yet, and still another connection cannot start writing
        assert.throws(() => other.exec('begin immediate'), (error: { code?: string }) => error.code === 'SQLITE_BUSY');
      });
      other.exec('begin immediate');
      other.exec('rollback');
    } finally {
      other.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('appends are committed where every connection sees them, and reads on the main connection follow at once', async () => {
    const dir = tempDir();
    const store = await roomStore(dir);
    try {
      const results = await store.messages.appendMany([message('m-1'), message('m-2')]);
      assert.deepEqual(results.map((r) => r.message.seq), [1, 2]);
      assert.equal((await store.rooms.findById('r-1'))?.last_seq, 2);
      const other = new BetterSqlite3(join(dir, 'renraku.sqlite3'), { readonly: true });
      try {
        assert.deepEqual(other.prepare('select id, seq from messages order by seq').all(), [{ id: 'm-1', seq: 1 }, { id: 'm-2', seq: 2 }]);
      } finally {
        other.close();
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('closing the store answers the appends already sent, then refuses new ones', async () => {
    const dir = tempDir();
    const store = await roomStore(dir);
    try {
      const sent = store.messages.append(message('m-1'));
      await store.close();
      assert.equal((await sent).message.seq, 1);
      await assert.rejects(store.messages.append(message('m-2')), /closed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createStore', () => {
  it('defaults to SQLite at <dataDir>/renraku.sqlite3, creating the directory', async () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    const store = await createStore({ databaseUrl: '', dataDir });
    try {
      assert.equal(store.dialect, 'sqlite');
      assert.ok(existsSync(join(dataDir, 'renraku.sqlite3')));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens sqlite:<path>', async () => {
    const dir = tempDir();
    const store = await createStore({ databaseUrl: `sqlite:${join(dir, 'db', 'other.db')}`, dataDir: join(dir, 'unused') });
    try {
      await store.ping();
      assert.ok(existsSync(join(dir, 'db', 'other.db')));
      assert.ok(!existsSync(join(dir, 'unused')));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses anything else, listing the valid forms without echoing secrets', async () => {
    for (const databaseUrl of ['mysql://root:hunter2@db/x', 'sqlite:', 'postgres:/x', 'renraku.db']) {
      await assert.rejects(createStore({ databaseUrl, dataDir: '/nonexistent' }), (error: Error) => {
        assert.match(error.message, /sqlite:<path>/);
        assert.match(error.message, /postgresql:\/\//);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      });
    }
  });
});
