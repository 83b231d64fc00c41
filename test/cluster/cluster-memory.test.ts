import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import type { Store } from '../../src/domain/store.ts';
import { MemoryBusHub, type MemoryBus } from '../../src/pubsub/memory-bus.ts';
import { within } from '../support/phoenix-helpers.ts';
import { assertContiguous, RoomReader } from '../support/room-reader.ts';
import { startRoundRobinProxy, type RoundRobinProxy } from '../support/round-robin-proxy.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';

const SECRET = 'cluster-memory-test-secret-0123456789abcdef';

/**
 * Three whole nodes in one process — each the full app on its own port — over one SQLite store
 * and one in-memory bus hub: the cluster without Redis, fast. Official phoenix clients on each.
 */
describe('three nodes in one process over the in-memory bus', () => {
  const hub = new MemoryBusHub();
  const buses: MemoryBus[] = [];
  let dir: string;
  let store: Store;
  let nodes: TestServer[];
  let proxy: RoundRobinProxy;
  let owner: TestUser;
  let members: TestUser[];
  let groupId: string;
  const readers: RoomReader[] = [];
  const reader = (node: TestServer | RoundRobinProxy, user: TestUser, roomId: string, transport: 'websocket' | 'longpoll' = 'websocket') => {
    const r = new RoomReader(node.url, user.socketToken, roomId, transport);
    readers.push(r);
    return r;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renraku-cluster-'));
    store = await createStore({ dataDir: dir });
    await store.migrate();
    nodes = [];
    for (let i = 0; i < 3; i++) {
      const bus = hub.connect();
      buses.push(bus);
      nodes.push(await startTestServer({ store, bus, env: { RENRAKU_SECRET: SECRET, RENRAKU_MESSAGE_BURST: '500' } }));
    }
    proxy = await startRoundRobinProxy(() => nodes.map((n) => n.url.replace('http://', '')));
    owner = await nodes[0]!.signup('Owner');
    groupId = (await nodes[0]!.createGroup(owner)).id;
    members = [];
    for (const [i, name] of ['Aiko', 'Ben', 'Chie'].entries()) {
      const user = await nodes[i]!.signup(name);
      await nodes[0]!.addMember(owner, groupId, user);
      members.push(user);
    }
  });

  after(async () => {
    await Promise.all(readers.map((r) => r.close()));
    await proxy.stop();
    for (const node of nodes) await node.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('clients on different nodes exchange messages and see the same presence list', async () => {
    const roomId = (await nodes[0]!.createRoom(owner, groupId, 'across')).id;
    const rs = members.map((user, i) => reader(nodes[i]!, user, roomId));
    for (const r of rs) await r.join();
    const ids = members.map((m) => m.user.id);
    await Promise.all(rs.map((r) => r.presenceIs(ids)));

    const seqs = [];
    for (const [i, r] of rs.entries()) seqs.push(await r.send(`hello from node ${i}`, `across-${i}`));
    assert.deepEqual(seqs, [1, 2, 3]);
    for (const r of rs) {
      await r.waitFor('three messages', () => r.received.length === 3);
      assert.equal(assertContiguous(r.received, 1, 3), undefined);
    }

    await rs[2]!.close();
    await Promise.all(rs.slice(0, 2).map((r) => r.presenceIs(ids.slice(0, 2))));
  });

  test('edits, deletes, read markers and typing cross nodes too', async () => {
    const roomId = (await nodes[0]!.createRoom(owner, groupId, 'events')).id;
    const [onA, onB] = [reader(nodes[0]!, members[0]!, roomId), reader(nodes[1]!, members[1]!, roomId)];
    await onA.join();
    await onB.join();
    const events: Array<[string, unknown]> = [];
    let all!: () => void;
    const arrived = new Promise<void>((resolve) => (all = resolve));
    for (const event of ['msg:edited', 'msg:deleted', 'read', 'typing']) {
      onB.channel.on(event, (payload: unknown) => {
        if (events.push([event, payload]) === 4) all();
      });
    }
    const seq = await onA.send('first', 'ev-1');
    const { id } = (await nodes[0]!.request('GET', `/api/rooms/${roomId}/messages`, { token: members[0]!.token })).body.messages[0];
    const push = (event: string, payload: object) => new Promise((resolve, reject) => {
      onA.channel.push(event, payload).receive('ok', resolve).receive('error', reject);
    });
    await push('typing', {});
    await push('msg:edit', { id, body: 'edited' });
    await push('read', { seq });
    await push('msg:delete', { id });
    await within(5000, 'four events from node A on node B', arrived);
    assert.deepEqual(events.map(([event]) => event), ['typing', 'msg:edited', 'read', 'msg:deleted']);
    assert.deepEqual((events[2]![1] as { user_id: string; seq: number }), { user_id: members[0]!.user.id, seq });
  });

  test('removing a member through node A closes their channels on node C', async () => {
    const roomId = (await nodes[0]!.createRoom(owner, groupId, 'removal')).id;
    const victim = await nodes[2]!.signup('Leaving');
    await nodes[0]!.addMember(owner, groupId, victim);
    const r = reader(nodes[2]!, victim, roomId);
    await r.join();
    const closed = new Promise<void>((resolve) => r.channel.onClose(() => resolve()));
    const res = await nodes[0]!.request('DELETE', `/api/groups/${groupId}/members/${victim.user.id}`, { token: owner.token });
    assert.equal(res.status, 204);
    await within(5000, 'the channel on node C closed', closed);
  });

  test('a LongPoll client whose polls land on different nodes (round-robin, no stickiness) works', async () => {
    const roomId = (await nodes[0]!.createRoom(owner, groupId, 'longpoll')).id;
    const polling = reader(proxy, members[0]!, roomId, 'longpoll');
    const writer = reader(nodes[1]!, members[1]!, roomId);
    await polling.join();
    await writer.join();
    for (let i = 1; i <= 5; i++) {
      assert.equal(await polling.send(`poll ${i}`, `lp-${i}`), 2 * i - 1);
      assert.equal(await writer.send(`ws ${i}`, `ws-${i}`), 2 * i);
    }
    await polling.waitFor('ten messages over LongPoll', () => polling.received.length === 10);
    assert.equal(assertContiguous(polling.received, 1, 10), undefined);
    const polledNodes = new Set(proxy.log.filter((l) => l.path === '/socket/longpoll').map((l) => l.target));
    assert.equal(polledNodes.size, 3, 'requests of the one session went to all three nodes');
  });

  test('after a bus outage, clients of the cut-off node rejoin with last_seq and recover every message once', async () => {
    const roomId = (await nodes[0]!.createRoom(owner, groupId, 'outage')).id;
    const onA = reader(nodes[0]!, members[0]!, roomId);
    const onB = reader(nodes[1]!, members[1]!, roomId);
    await onA.join();
    await onB.join();
    await onA.send('before', 'o-0');
    await onB.waitFor('the first message', () => onB.received.length === 1);

    hub.partition(buses[1]!);
    for (let i = 1; i <= 20; i++) await onA.send(`during ${i}`, `o-${i}`);
    assert.deepEqual(onB.received, [1], 'node B is cut off: nothing arrives live');
    const joinsBefore = onB.joins;
    hub.heal(buses[1]!);
    await onB.waitFor('recovery after the resync', () => onB.received.length === 21);
    assert.ok(onB.errors.includes('resync'), `phx_error reason: ${JSON.stringify(onB.errors)}`);
    assert.ok(onB.joins > joinsBefore);
    await onA.send('after', 'o-21');
    await onB.waitFor('live again', () => onB.received.length === 22);
    assert.equal(assertContiguous(onB.received, 1, 22), undefined);
  });
});
