import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import type { Store } from '../../src/domain/store.ts';
import { MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { connect, disconnect, join, within, type TransportName } from '../support/phoenix-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { demotedSenderLosesTheStatus } from '../e2e/demotion-scenario.ts';
import { closedOnce, connectStatus } from '../e2e/session-sockets.ts';

const SECRET = 'cluster-session-access-secret-0123456789abcdef';

/**
 * Two whole nodes in one process over one SQLite store and one in-memory bus hub: what one node
 * decides about a session or a role reaches the sockets held by the other at once.
 */
describe('sessions and access across two nodes over the in-memory bus', () => {
  const hub = new MemoryBusHub();
  let dir: string;
  let store: Store;
  let nodeA: TestServer;
  let nodeB: TestServer;

  before(async () => {
    dir = mkdtempSync(joinPath(tmpdir(), 'renraku-cluster-sessions-'));
    store = await createStore({ dataDir: dir });
    await store.migrate();
    nodeA = await startTestServer({ store, bus: hub.connect(), env: { RENRAKU_SECRET: SECRET } });
    nodeB = await startTestServer({ store, bus: hub.connect(), env: { RENRAKU_SECRET: SECRET } });
  });

  after(async () => {
    await nodeA.stop();
    await nodeB.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of ['websocket', 'longpoll'] as TransportName[]) {
    test(`a logout on node A closes the ${transport} socket held on node B`, async () => {
      const aiko = await nodeA.signup('Aiko');
      const socket = connect(nodeB.wsUrl, aiko.socketToken, transport);
      try {
        const channel = socket.channel(`user:${aiko.user.id}`, {});
        await join(channel);
        const closed = closedOnce(socket);
        assert.equal((await nodeA.request('POST', '/api/logout', { token: aiko.token })).status, 204);
        const { code } = await within(5000, 'the socket on node B to close', closed);
        if (transport === 'websocket') assert.equal(code, 4401);
        channel.leave(); // no rejoin timer left behind
        await disconnect(socket);
        assert.equal(await connectStatus(nodeB, aiko.socketToken, transport), 403, 'node B refuses the token too');
      } finally {
        await disconnect(socket);
      }
    });

    test(`a sender demoted on node A loses the status channel held on node B (${transport})`, async () => {
      await demotedSenderLosesTheStatus(nodeA, nodeB, transport);
    });
  }
});
