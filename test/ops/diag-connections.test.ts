import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'phoenix';
import { diagCommand } from '../../src/cli/diag.ts';
import { adminSocketPath } from '../../src/ops/admin-socket.ts';
import { connect, join, push, within } from '../support/phoenix-helpers.ts';
import type { TestUser } from '../support/test-server.ts';
import { OPERATOR_TOKEN, startOpsNode, type OpsNode } from './support/ops-node.ts';
import { waitUntil } from './support/wait-until.ts';

async function diag(args: string[]): Promise<{ code: number; out: string[]; err: string; json: any }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await diagCommand([...args, '--json'], { out: (l) => out.push(l), err: (l) => err.push(l) });
  let json: unknown;
  try {
    json = JSON.parse(out.at(-1) ?? '');
  } catch {
    json = undefined;
  }
  return { code, out, err: err.join('\n'), json };
}

/** The first close of a phoenix socket: its WebSocket close code and reason. */
function closed(socket: Socket): Promise<{ code: number; reason: string }> {
  return within(5000, 'the socket to close', new Promise((resolve) => socket.onClose((event: unknown) => resolve(event as { code: number; reason: string }))));
}

describe('diag on live connections: top, conn, trace of a user, kick', () => {
  let node: OpsNode;
  let sock: string[];
  let alice: TestUser;
  let bob: TestUser;
  let roomId: string;
  const sockets: Socket[] = [];

  before(async () => {
    node = await startOpsNode();
    sock = ['--socket', adminSocketPath(node.dataDir)];
    alice = await node.signup('Alice');
    bob = await node.signup('Bob');
    const group = await node.createGroup(alice);
    await node.addMember(alice, group.id, bob);
    roomId = (await node.createRoom(alice, group.id)).id;
  });
  after(async () => {
    for (const s of sockets) await new Promise<void>((resolve) => s.disconnect(() => resolve()));
    await node.stop();
  });

  async function open(user: TestUser) {
    const socket = connect(node.wsUrl, user.socketToken, 'websocket');
    sockets.push(socket);
    const channel = socket.channel(`room:${roomId}`, {});
    await join(channel);
    return { socket, channel };
  }

  test('top ranks the connections; conn shows one; metrics count their frames', async () => {
    const a = await open(alice);
    await open(bob);
    const byAge = await diag([...sock, 'top', '--by', 'age', '-n', '5']);
    assert.equal(byAge.code, 0, byAge.err);
    assert.equal(byAge.json.rows.length, 2);
    assert.deepEqual(byAge.json.rows.map((r: { userId: string; transport: string }) => [r.userId, r.transport]), [[alice.user.id, 'websocket'], [bob.user.id, 'websocket']]);
    const one = await diag([...sock, 'top', '--by', 'age', '-n', '1']);
    assert.equal(one.json.rows.length, 1, '-n bounds the answer');

    const rating = diag([...sock, 'top', '--by', 'rate', '--window', '3']);
    for (let i = 0; i < 3; i++) await push(a.channel, 'msg:new', { body: `rate ${i}`, client_id: `rate-${i}` });
    const byRate = await rating;
    assert.equal(byRate.code, 0, byRate.err);
    assert.equal(byRate.json.rows[0].userId, alice.user.id);
    assert.ok(byRate.json.rows[0].value > 0);

    const id = byAge.json.rows[0].id as string;
    const conn = await diag([...sock, 'conn', id]);
    assert.equal(conn.code, 0, conn.err);
    assert.deepEqual([conn.json.id, conn.json.userId, conn.json.transport], [id, alice.user.id, 'websocket']);
    assert.ok(conn.json.framesIn >= 4, 'join and three posts');
    assert.ok(conn.json.framesOut >= conn.json.framesIn, 'a reply to each, and the broadcasts');
    assert.equal(typeof conn.json.lastInAt, 'number');

    const { body } = await node.request('GET', '/metrics', { token: OPERATOR_TOKEN });
    const value = (name: string) => Number((body as string).split('\n').find((l) => l.startsWith(`${name} `))?.split(' ')[1]);
    assert.ok(value('renraku_messages_in_total') >= 5);
    assert.ok(value('renraku_messages_out_total') >= value('renraku_messages_in_total'));
    assert.equal(value('renraku_connections_opened_total') - value('renraku_connections_closed_total'), 2);
  });

  test('a trace of a user shows that user\'s frames in and out, and no one else\'s', async () => {
    const b = await open(bob);
    const tracing = diag([...sock, 'trace', bob.user.id, '--max', '2', '--seconds', '20']);
    // The tap is in place when the node logs the command (both happen in one turn).
    await waitUntil('the trace to start', () => node.logs.some((l) => l.msg === 'diag: command' && l.command === 'trace'));
    await push(b.channel, 'msg:new', { body: 'traced', client_id: 'bob-traced' });
    const { code, out, json, err } = await tracing;
    assert.equal(code, 0, err);
    const events = out.slice(0, -1).map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.kind), ['in', 'out']);
    assert.equal(events[0].event, 'msg:new');
    assert.match(events[0].preview, /traced/);
    assert.equal(json.stoppedBy, 'max');
  });

  test('kick closes one connection, or every connection of a user, with 1008', async () => {
    const c1 = await open(alice);
    const c2 = await open(alice);
    const { json: top } = await diag([...sock, 'top', '--by', 'age', '-n', '50']);
    const newest = top.rows.filter((r: { userId: string }) => r.userId === alice.user.id).at(-1).id as string;
    const first = closed(c2.socket);
    const one = await diag([...sock, 'kick', newest]);
    assert.deepEqual(one.json.kicked, [newest]);
    const event = await first;
    assert.equal(event.code, 1008);
    assert.equal(event.reason, 'disconnected by an operator');

    const all = closed(c1.socket);
    const user = await diag(['--url', node.url, '--token', OPERATOR_TOKEN, 'kick', alice.user.id]);
    assert.equal(user.code, 0, user.err);
    assert.ok(user.json.kicked >= 1);
    assert.equal((await all).code, 1008);
  });
});
