import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
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
