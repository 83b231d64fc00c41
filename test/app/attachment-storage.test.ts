import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KyselyStore } from '../../src/adapters/store/kysely-store.ts';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite-database.ts';
import { attachmentStorage } from '../../src/app/attachment-storage.ts';
import type { Store } from '../../src/domain/store.ts';
import { onPostgres, onSqlite } from '../store/dialect-suites.ts';
import type { OpenedStore } from '../store/store-contract.ts';

/** Puts one attachment through the storage `attachmentStorage` picks; says where the bytes went. */
async function whereBytesGo(store: Store): Promise<'files' | 'store'> {
  const dir = mkdtempSync(join(tmpdir(), 'renraku-uploads-'));
  try {
    await store.migrate();
    const storage = attachmentStorage(store, dir);
    await storage.put('01PICK', Buffer.from('picked'));
    if (existsSync(join(dir, '01PICK'))) {
      assert.equal(readFileSync(join(dir, '01PICK'), 'utf8'), 'picked');
      await assert.rejects(store.attachments.open('01PICK'));
      return 'files';
    }
    assert.equal(storage, store.attachments);
    return 'store';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The store declares whether every node shares it, and attachment bytes follow that, not the dialect's name. */
function pickedByCapability(shared: boolean) {
  return (name: string, open: () => Promise<OpenedStore>): void => {
    describe(`attachment storage on ${name}`, () => {
      it(`the store says sharedAcrossNodes: ${shared}, so bytes go to ${shared ? 'the store' : 'files'}`, async () => {
        const { store, cleanup } = await open();
        try {
          assert.equal(store.sharedAcrossNodes, shared);
          assert.equal(await whereBytesGo(store), shared ? 'store' : 'files');
        } finally {
          await cleanup();
        }
      });
    });
  };
}

onSqlite(pickedByCapability(false));
onPostgres('attachment storage on postgres', 'pick_storage', pickedByCapability(true));

describe('attachment storage by declared capability', () => {
  it('a SQLite database declared shared across nodes keeps the bytes in the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'renraku-store-'));
    const store = new KyselyStore({ ...openSqliteDatabase(join(dir, 'shared.sqlite3')), sharedAcrossNodes: true });
    try {
      assert.equal(await whereBytesGo(store), 'store');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
