import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../src/config/limits.ts';
import { MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';
import { ManualTime } from '../transport/manual-time.ts';
import { RawClient, type Wire } from './raw-client.ts';
import { startRealtimeNode, startStore } from './realtime-node.ts';

/** The Phoenix socket rules, frame by frame over a real WebSocket against the whole app. */
describe('Phoenix protocol rules', () => {
  let server: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let groupId: string;
  let roomTopic: string;
  const clients: RawClient[] = [];

  before(async () => {
    server = await startTestServer();
    owner = await server.signup('Owner');
    member = await server.signup('Member');
    groupId = (await server.createGroup(owner)).id;
    await server.addMember(owner, groupId, member);
    roomTopic = `room:${(await server.createRoom(owner, groupId)).id}`;
  });

  after(async () => {
    for (const client of clients) await client.close();
    await server.stop();
  });

  async function connect(user: TestUser = owner): Promise<RawClient> {
    const client = await RawClient.connect(server.wsUrl, user.socketToken);
    clients.push(client);
    return client;
  }

  test('a heartbeat is answered ok on the phoenix topic, echoing its ref', async () => {
    const client = await connect();
    client.send([null, '7', 'phoenix', 'heartbeat', {}]);
    assert.deepEqual(await client.reply('7'), [null, '7', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
  });

  test('the join reply echoes join_ref and ref; presence_state follows with the join_ref', async () => {
    const client = await connect();
    client.send(['10', '11', roomTopic, 'phx_join', {}]);
    const reply = await client.reply('11');
    assert.deepEqual(reply.slice(0, 4), ['10', '11', roomTopic, 'phx_reply']);
    assert.equal(reply[4].status, 'ok');
    assert.equal(typeof reply[4].response?.last_seq, 'number');
    const state = await client.next((f) => f[3] === 'presence_state', 'presence_state');
    assert.deepEqual(state.slice(0, 3), ['10', null, roomTopic]);
    assert.ok(client.frames.indexOf(reply) < client.frames.indexOf(state), 'the state comes after the reply');
  });

  test('joining a joined topic closes the old channel; its stale join_ref is then ignored', async () => {
    const client = await connect(member);
    const first = await client.join(roomTopic);
    const second = await client.join(roomTopic);
    const close = await client.next((f) => f[3] === 'phx_close', 'phx_close');
    assert.deepEqual(close, [first.joinRef, first.joinRef, roomTopic, 'phx_close', {}]);
    assert.ok(client.frames.indexOf(close) < client.frames.findIndex((f) => f[1] === second.joinRef), 'closed before the new reply');

    const staleRef = client.ref();
    client.send([first.joinRef, staleRef, roomTopic, 'history', {}]);
    const current = await client.request(second.joinRef, roomTopic, 'history', {});
    assert.equal(current.status, 'ok');
    assert.equal(client.frames.some((f) => f[1] === staleRef), false, 'no answer to the stale join_ref');

    // The old channel's presence was untracked: one presence of this user remains. The new
    // channel is tracked after its presence_state, so a diff with its join follows; the untrack
    // came before it, so once that diff is out the room's list is settled.
    const secondState = client.frames.indexOf(await client.next((f) => f[3] === 'presence_state' && f[0] === second.joinRef, 'the new presence_state'));
    const joins = (f: Wire) => (f[4] as { joins?: Record<string, unknown> }).joins ?? {};
    await client.next((f) => client.frames.indexOf(f) > secondState && f[3] === 'presence_diff' && member.user.id in joins(f), 'the diff with the new join');
    const observer = await connect();
    await observer.join(roomTopic);
    const state = await observer.next((f) => f[3] === 'presence_state', 'presence_state');
    const metas = (state[4] as Record<string, { metas: unknown[] }>)[member.user.id]?.metas;
    assert.equal(metas?.length, 1);
  });

  test('phx_leave: ok reply, then phx_close; the topic is unmatched afterwards', async () => {
    const client = await connect();
    const { joinRef } = await client.join(roomTopic);
    const leaveRef = client.ref();
    client.send([joinRef, leaveRef, roomTopic, 'phx_leave', {}]);
    assert.deepEqual(await client.reply(leaveRef), [joinRef, leaveRef, roomTopic, 'phx_reply', { status: 'ok', response: {} }]);
    const close = await client.next((f) => f[3] === 'phx_close', 'phx_close');
    assert.deepEqual(close, [joinRef, joinRef, roomTopic, 'phx_close', {}]);
    assert.ok(client.frames.findIndex((f) => f[1] === leaveRef) < client.frames.indexOf(close));
    const after = await client.request(joinRef, roomTopic, 'history', {});
    assert.equal(after.response?.reason, 'unmatched topic');
  });

  test('presence: others see a join and a leave as presence_diff broadcasts', async () => {
    const visitor = await server.signup('Visitor');
    await server.addMember(owner, groupId, visitor);
    const watcher = await connect();
    await watcher.join(roomTopic);
    const other = await connect(visitor);
    const { joinRef } = await other.join(roomTopic);
    const joined = await watcher.next((f) => f[3] === 'presence_diff' && visitor.user.id in ((f[4].joins ?? {}) as object), 'a presence_diff join');
    assert.deepEqual(joined.slice(0, 2), [null, null]);
    const metas = (joined[4].joins as Record<string, { metas: Array<Record<string, unknown>> }>)[visitor.user.id]!.metas;
    assert.equal(metas.length, 1);
    const meta = metas[0]!;
    assert.equal(meta.name, 'Visitor');
    assert.equal(typeof meta.phx_ref, 'string');
    assert.equal(typeof meta.online_at, 'number');
    await other.request(joinRef, roomTopic, 'phx_leave', {});
    const left = await watcher.next((f) => f[3] === 'presence_diff' && ((f[4].leaves ?? {}) as Record<string, { metas: Array<{ phx_ref: string }> }>)[visitor.user.id]?.metas[0]?.phx_ref === meta.phx_ref, 'a presence_diff leave');
    assert.ok(left);
  });

  test('typing reaches the others, not the typist', async () => {
    const typist = await connect(member);
    const { joinRef } = await typist.join(roomTopic);
    const watcher = await connect();
    await watcher.join(roomTopic);
    assert.equal((await typist.request(joinRef, roomTopic, 'typing', {})).status, 'ok');
    const typing = await watcher.next((f) => f[3] === 'typing', 'typing');
    assert.deepEqual(typing, [null, null, roomTopic, 'typing', { user_id: member.user.id }]);
    await typist.heartbeat();
    assert.equal(typist.frames.some((f) => f[3] === 'typing'), false);
  });

  test('no message is lost or duplicated across a join with last_seq', async () => {
    const room = `room:${(await server.createRoom(owner, groupId, 'busy')).id}`;
    // Three writers (each within its socket's message burst) post around the reader's join.
    const writers = await Promise.all([connect(), connect(), connect()]);
    const joinRefs = await Promise.all(writers.map(async (w) => (await w.join(room)).joinRef));
    const perWriter = Math.min(20, LIMITS.messageBurst);
    const total = writers.length * perWriter;
    const post = (round: number) => writers.map((w, i) => w.request(joinRefs[i]!, room, 'msg:new', { body: `w${i}-m${round}` }));
    const reader = await connect(member);
    const posts: Array<Promise<{ status?: string }>> = [];
    for (let round = 0; round < perWriter / 2; round++) posts.push(...post(round));
    const joining = reader.join(room, { last_seq: 0 });
    for (let round = perWriter / 2; round < perWriter; round++) posts.push(...post(round));
    assert.ok((await Promise.all(posts)).every((p) => p.status === 'ok'));
    const { reply } = await joining;
    const recovered = (reply.response?.messages as Array<{ seq: number }>).map((m) => m.seq);
    await reader.next((f) => f[3] === 'msg' && f[4].seq === total || recovered.includes(total), `seq ${total}`);
    await reader.heartbeat();
    const live = reader.frames.filter((f) => f[3] === 'msg').map((f) => f[4].seq as number);
    const all = [...recovered, ...live].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: total }, (_, i) => i + 1), `recovered ${recovered.length}, live ${live.length}`);
    const replyIndex = reader.frames.findIndex((f) => f[3] === 'phx_reply');
    assert.ok(reader.frames.findIndex((f) => f[3] === 'msg') > replyIndex || live.length === 0, 'no broadcast before the join reply');
  });

  test('removing a member closes their group\'s channels at once and tells their user: channel', async () => {
    const victim = await server.signup('Leaving');
    await server.addMember(owner, groupId, victim);
    const client = await RawClient.connect(server.wsUrl, victim.socketToken);
    clients.push(client);
    const room = await client.join(roomTopic);
    const group = await client.join(`group:${groupId}`);
    const user = await client.join(`user:${victim.user.id}`);
    const removed = await server.request('DELETE', `/api/groups/${groupId}/members/${victim.user.id}`, { token: owner.token });
    assert.ok(removed.status < 300, JSON.stringify(removed));
    const notice = await client.next((f) => f[3] === 'group:removed', 'group:removed');
    assert.deepEqual(notice, [user.joinRef, null, `user:${victim.user.id}`, 'group:removed', { group_id: groupId }]);
    const closes = client.frames.filter((f) => f[3] === 'phx_close').map((f) => f[0]).sort();
    assert.deepEqual(closes, [room.joinRef, group.joinRef].sort());
    assert.equal((await client.request(room.joinRef, roomTopic, 'msg:new', { body: 'still here?' })).response?.reason, 'unmatched topic');
    assert.equal((await client.join(roomTopic)).reply.response?.reason, 'not_member');
  });
});

describe('idle sockets and clusters (nodes with injected time)', () => {
  const time = new ManualTime();
  const hub = new MemoryBusHub();
  let seed: Awaited<ReturnType<typeof startStore>>;
  let nodeA: Awaited<ReturnType<typeof startRealtimeNode>>;
  let nodeB: Awaited<ReturnType<typeof startRealtimeNode>>;
  const clients: RawClient[] = [];

  before(async () => {
    seed = await startStore(time);
    nodeA = await startRealtimeNode({ store: seed.store, hub, time });
    nodeB = await startRealtimeNode({ store: seed.store, hub, time });
  });

  after(async () => {
    for (const client of clients) await client.close();
    await nodeA.stop();
    await nodeB.stop();
    await seed.stop();
  });

  async function connect(node: typeof nodeA, userId: string): Promise<RawClient> {
    const client = await RawClient.connect(node.wsUrl, await node.socketToken(userId));
    clients.push(client);
    return client;
  }

  test('a socket silent for 60 s is closed (4408); one that heartbeats is not', async () => {
    const userId = await seed.user('Idle');
    const silent = await connect(nodeA, userId);
    const alive = await connect(nodeA, userId);
    for (let elapsed = 0; elapsed < LIMITS.idleTimeoutMs; elapsed += 20_000) {
      time.advance(20_000);
      await alive.heartbeat();
    }
    time.advance(LIMITS.idleSweepMs);
    const closed = await silent.closed;
    assert.deepEqual(closed, { code: 4408, reason: 'idle timeout' });
    assert.deepEqual(await alive.heartbeat(), { status: 'ok', response: {} });
  });

  test('a message posted through one node reaches a client of the other', async () => {
    const alice = await seed.user('Alice');
    const bob = await seed.user('Bob');
    const groupId = await seed.group(alice, [bob]);
    const room = await seed.room(groupId, alice);
    const onA = await connect(nodeA, alice);
    const onB = await connect(nodeB, bob);
    const a = await onA.join(`room:${room.id}`);
    await onB.join(`room:${room.id}`);
    const sent = await onA.request(a.joinRef, `room:${room.id}`, 'msg:new', { body: 'across nodes' });
    const got = await onB.next((f: Wire) => f[3] === 'msg', 'msg on node B');
    assert.equal(got[4].seq, sent.response?.seq);
    assert.equal(got[4].body, 'across nodes');
  });

  test('revoking access on one node closes the channels on the other', async () => {
    const owner = await seed.user('Owner');
    const leaving = await seed.user('Leaving');
    const groupId = await seed.group(owner, [leaving]);
    const room = await seed.room(groupId, owner);
    const client = await connect(nodeB, leaving);
    const joined = await client.join(`room:${room.id}`);
    await client.join(`user:${leaving}`);
    await seed.store.groups.removeMember(groupId, leaving);
    nodeA.pubsub.revokeGroupAccess(leaving, groupId);
    assert.deepEqual(await client.next((f) => f[3] === 'phx_close', 'phx_close'), [joined.joinRef, joined.joinRef, `room:${room.id}`, 'phx_close', {}]);
    assert.equal((await client.next((f) => f[3] === 'group:removed', 'group:removed'))[4].group_id, groupId);
    assert.equal(nodeB.realtime.stats().channels >= 1, true);
  });
});
