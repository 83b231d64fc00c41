import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import type { Store } from '../../src/domain/store.ts';
import { requirePostgresOrSkip, startPostgres, type PrivatePostgres } from '../support/postgres.ts';
import { RoomReader } from '../support/room-reader.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const SUITE = 'PostgreSQL restarted under a running node';

/**
 * While the database is down a post is answered `unavailable` (not `internal`), the node stays
 * up, and once it is back the client's retry with the same client_id stores the message once.
 */
describe(SUITE, requirePostgresOrSkip(SUITE), () => {
  let postgres: PrivatePostgres;
  let store: Store;
  let server: TestServer;
  let reader: RoomReader | undefined;

  before(async () => {
    postgres = await startPostgres();
    store = await createStore({ databaseUrl: postgres.url, dataDir: '/nonexistent' });
    await store.migrate();
    server = await startTestServer({ store });
  });
  after(async () => {
    await reader?.close();
    await server?.stop();
    await store?.close();
    await postgres?.stop();
  });

  test('writes answer `unavailable` while it is down; a retry with the same client_id afterwards is stored once', async () => {
    const owner = await server.signup('Owner');
    const groupId = (await server.createGroup(owner)).id;
    const roomId = (await server.createRoom(owner, groupId, 'pg')).id;
    reader = new RoomReader(server.url, owner.socketToken, roomId);
    await reader.join();
    assert.equal(await reader.send('before', 'pg-0'), 1);

    await postgres.restart(async () => {
      await assert.rejects(reader!.send('during', 'pg-1', 1), /"reason":"unavailable"/);
      const http = await server.request('POST', `/api/rooms/${roomId}/messages`, { token: owner.token, body: { body: 'during', client_id: 'pg-2' } });
      assert.equal(http.status, 503);
      assert.equal(http.body.code, 'unavailable');
    });

    assert.equal(await reader.send('during', 'pg-1', 1), 2, 'the retry after the outage is stored');
    assert.equal(await reader.send('during', 'pg-1'), 2, 'the same client_id gets the same answer');
    const history = await server.request('GET', `/api/rooms/${roomId}/messages`, { token: owner.token });
    assert.deepEqual(history.body.messages.map((m: { seq: number; body: string }) => [m.seq, m.body]), [[1, 'before'], [2, 'during']]);
  });
});
