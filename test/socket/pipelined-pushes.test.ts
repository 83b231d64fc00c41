import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'phoenix';
import { createStore } from '../../src/adapters/store/create-store.ts';
import type { MessageRepository, Store } from '../../src/domain/store.ts';
import { connect, disconnect, join, push } from '../support/phoenix-helpers.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

/**
 * One client's plain pushes are pipelined: the session starts each and reads the next frame
 * without waiting for the commit, so they share group commits — and their seqs still follow
 * the order the client sent them in, also when pushes that must read the store first (a
 * reply_to) are mixed in.
 */
describe('pipelined pushes from one socket', () => {
  let server: TestServer;
  let store: Store;
  let storeDir: string;
  let owner: TestUser;
  let groupId: string;
  const batchSizes: number[] = [];
  const sockets: Socket[] = [];

  before(async () => {
    storeDir = mkdtempSync(joinPath(tmpdir(), 'renraku-pipeline-'));
    store = await createStore({ dataDir: storeDir });
    await store.migrate();
    const messages: MessageRepository = Object.create(store.messages, {
      appendMany: { value: (batch: Parameters<MessageRepository['appendMany']>[0]) => {
        batchSizes.push(batch.length);
        return store.messages.appendMany(batch);
      } },
    });
    const observed: Store = Object.create(store, { messages: { value: messages } });
    server = await startTestServer({ store: observed, env: { RENRAKU_MESSAGE_BURST: '1000' } });
    owner = await server.signup('Owner');
    groupId = (await server.createGroup(owner)).id;
  });
  after(async () => {
    await Promise.all(sockets.map(disconnect));
    await server.stop();
    await store.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  async function joinedRoom(name: string) {
    const roomId = (await server.createRoom(owner, groupId, name)).id;
    const socket = connect(server.wsUrl, owner.socketToken, 'websocket');
    sockets.push(socket);
    const channel = socket.channel(`room:${roomId}`, {});
    await join(channel);
    return channel;
  }

  test('plain pushes sent back to back are stored together, in the order sent', async () => {
    const channel = await joinedRoom('burst');
    batchSizes.length = 0;
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => push(channel, 'msg:new', { body: `m${i}`, client_id: `c${i}` })));
    assert.deepEqual(replies.map((r) => r.seq), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.ok(Math.max(...batchSizes) > 1, `one socket's pushes shared a commit (batches: ${batchSizes.join(',')})`);
  });

  test('pushes that read the store first (reply_to) keep their place among plain ones', async () => {
    const channel = await joinedRoom('mixed');
    const first = await push(channel, 'msg:new', { body: 'first', client_id: 'x0' });
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => push(channel, 'msg:new', i % 3 === 0
      ? { body: `reply ${i}`, client_id: `x${i + 1}`, reply_to: first.id }
      : { body: `plain ${i}`, client_id: `x${i + 1}` })));
    assert.deepEqual(replies.map((r) => r.seq), Array.from({ length: 30 }, (_, i) => i + 2));
  });

  test('a retried client_id inside a pipelined burst gets the first answer, stored once', async () => {
    const channel = await joinedRoom('retry');
    const replies = await Promise.all([
      push(channel, 'msg:new', { body: 'same', client_id: 'dup' }),
      push(channel, 'msg:new', { body: 'other', client_id: 'other' }),
      push(channel, 'msg:new', { body: 'same', client_id: 'dup' }),
    ]);
    assert.equal(replies[0].id, replies[2].id);
    assert.equal(replies[0].seq, 1);
    assert.equal(replies[1].seq, 2);
  });
});
