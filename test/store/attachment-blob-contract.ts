import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Store } from '../../src/domain/store.ts';
import type { OpenedStore } from './store-contract.ts';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** What the store's attachment bytes (`store.attachments`) must do, whatever the dialect. */
export function attachmentBlobContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`attachment bytes in the store: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
      await store.migrate();
    });
    afterEach(async () => {
      await cleanup();
    });

    it('gives back exactly the bytes put, binary and empty alike', async () => {
      const big = randomBytes(3 * 1024 * 1024 + 7);
      const odd = Buffer.from([0, 255, 0, 10, 13, 0x80, 0xfe]);
      await store.attachments.put('01BIG', big);
      await store.attachments.put('01ODD', odd);
      await store.attachments.put('01EMPTY', Buffer.alloc(0));
      assert.ok((await bytesOf(await store.attachments.open('01BIG'))).equals(big));
      assert.ok((await bytesOf(await store.attachments.open('01ODD'))).equals(odd));
      assert.equal((await bytesOf(await store.attachments.open('01EMPTY'))).length, 0);
    });

    it('a second put of the same id replaces the bytes (a retried upload)', async () => {
      await store.attachments.put('01SAME', Buffer.from('first'));
      await store.attachments.put('01SAME', Buffer.from('second'));
      assert.equal((await bytesOf(await store.attachments.open('01SAME'))).toString(), 'second');
    });

    it('after delete the bytes are gone, and deleting again or what never was is fine', async () => {
      await store.attachments.put('01GONE', Buffer.from('x'));
      await store.attachments.delete('01GONE');
      await assert.rejects(store.attachments.open('01GONE'), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
      await store.attachments.delete('01GONE');
      await store.attachments.delete('01NEVER');
      await assert.rejects(store.attachments.open('01NEVER'), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
    });
  });
}
