import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { newNodeId } from '../../src/cluster/node-id.ts';
import { IdGenerator } from '../../src/domain/ids.ts';
import { SocketTokens } from '../../src/domain/socket-token.ts';
import type { Store } from '../../src/domain/store.ts';
import { TalkService } from '../../src/domain/talk-service.ts';
import type { Room } from '../../src/domain/types.ts';
import type { MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { PubSub } from '../../src/pubsub/pubsub.ts';
import { createRealtime, type Realtime } from '../../src/socket/realtime.ts';
import type { ManualTime } from '../transport/manual-time.ts';

export const NODE_SECRET = 'realtime-node-test-secret-0123456789abcdef';

/**
 * One node of the real-time layer on a real HTTP server (WebSocket only), with time and
 * timers under the test's control, over a shared store and in-memory bus hub — the parts the
 * full app wires, without HTTP routes. Several nodes over one hub and store form a cluster.
 */
export interface RealtimeNode {
  wsUrl: string;
  realtime: Realtime;
  pubsub: PubSub;
  talk: TalkService;
  tokens: SocketTokens;
  /** A socket token of a real sign-in session of `userId`, created in the store (connects check it is live). */
  socketToken(userId: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startRealtimeNode(deps: { store: Store; hub: MemoryBusHub; time: ManualTime }): Promise<RealtimeNode> {
  const { store, hub, time } = deps;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const bus = hub.connect();
  const pubsub = new PubSub({ bus, logger });
  await pubsub.ready;
  const talk = new TalkService({ store, notifier: pubsub, clock: time, ids: new IdGenerator(() => time.now()) });
  const tokens = new SocketTokens(NODE_SECRET, 15 * 60_000, () => time.now());
  const sessionIsLive = (userId: string, sessionId: string) => store.sessions.isLive(sessionId, userId, time.now());
  const realtime = createRealtime({ pubsub, bus, nodeId: newNodeId(), talk, store, tokens, sessionIsLive, clock: time, timers: time, logger });
  await realtime.ready;
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  realtime.attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    wsUrl: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    realtime, pubsub, talk, tokens,
    async socketToken(userId) {
      const id = randomBytes(12).toString('hex');
      await store.sessions.create({ id, token_hash: randomBytes(32).toString('hex'), user_id: userId, created_at: time.now(), expires_at: time.now() + 24 * 3_600_000 });
      return tokens.mint(userId, id).token;
    },
    async stop() {
      await realtime.close();
      server.close();
      await bus.close();
    },
  };
}

/** A migrated SQLite store in a temp dir, with helpers to seed users, a group and a room. */
export async function startStore(time: ManualTime) {
  const dir = mkdtempSync(join(tmpdir(), 'renraku-rt-'));
  const store = await createStore({ dataDir: dir });
  await store.migrate();
  const ids = new IdGenerator(() => time.now());
  return {
    store,
    async user(name: string): Promise<string> {
      const id = ids.next();
      await store.users.create({ id, email: `${id.toLowerCase()}@example.test`, name, created_at: time.now(), password_hash: 'unused' });
      return id;
    },
    async group(ownerId: string, memberIds: string[]): Promise<string> {
      const id = ids.next();
      await store.groups.create({ id, name: 'group', slug: `g-${id.toLowerCase()}`, created_by: ownerId, created_at: time.now() }, time.now());
      for (const userId of memberIds) await store.groups.addMember({ group_id: id, user_id: userId, role: 'member', joined_at: time.now() });
      return id;
    },
    async room(groupId: string, createdBy: string): Promise<Room> {
      return store.rooms.create({ id: ids.next(), group_id: groupId, name: 'room', created_by: createdBy, created_at: time.now(), last_seq: 0 });
    },
    async stop() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
