import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import type { Channel, ChannelContext, JoinResult } from '../../src/channels/channel.ts';
import { ChannelRouter } from '../../src/channels/channel-router.ts';
import { LIMITS } from '../../src/config/limits.ts';
import { AppError } from '../../src/domain/app-error.ts';
import { binarySerializer } from '../../src/protocol/binary-serializer.ts';
import type { EncodedFrame } from '../../src/protocol/frame.ts';
import { SocketSession } from '../../src/socket/socket-session.ts';
import type { Connection } from '../../src/transport/connection.ts';

interface WirePayload {
  status?: string;
  response?: { reason?: string; message?: string; retry_after_ms?: number };
}
type Wire = [string | null, string | null, string, string, WirePayload];

class FakeConnection implements Connection {
  readonly id = 'test-conn';
  readonly transport = 'websocket' as const;
  readonly bufferedAmount = 0;
  readonly sent: Wire[] = [];
  closedWith: [number, string] | undefined;
  send(frame: EncodedFrame): void {
    this.sent.push(JSON.parse(frame as string) as Wire);
  }
  close(code: number, reason: string): void {
    this.closedWith ??= [code, reason];
  }
  /** Sent frames, then forget them. */
  take(): Wire[] {
    return this.sent.splice(0);
  }
}

/** A channel whose join and events tests steer. */
class TestChannel implements Channel {
  static instances: TestChannel[] = [];
  groupId: string | undefined;
  ctx: ChannelContext | undefined;
  leaves = 0;
  joinGate: Promise<void> | undefined;
  constructor(readonly behaviour: { groupId?: string; refuse?: AppError; gate?: Promise<void>; afterReplyThrows?: boolean } = {}) {
    TestChannel.instances.push(this);
  }
  async join(ctx: ChannelContext, params: Record<string, unknown>): Promise<JoinResult> {
    this.ctx = ctx;
    this.groupId = this.behaviour.groupId;
    await this.behaviour.gate;
    if (this.behaviour.refuse) throw this.behaviour.refuse;
    return {
      response: { joined: ctx.topic, params },
      afterReply: () => {
        if (this.behaviour.afterReplyThrows) throw new Error('after reply');
        ctx.push('hello', {});
      },
    };
  }
  async handleIn(event: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (event === 'fail') throw new AppError('body_empty', undefined, { field: 'body' });
    if (event === 'bug') throw new Error('a bug');
    return { echo: event, payload };
  }
  leave(): void {
    this.leaves++;
  }
}

/** Lets every queued frame run (all work here is microtasks). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(opts: { route?: () => TestChannel; messageBurst?: number } = {}) {
  TestChannel.instances = [];
  const connection = new FakeConnection();
  let now = 1_000_000;
  const router = new ChannelRouter([
    { prefix: 'room:', create: opts.route ?? (() => new TestChannel({ groupId: 'G1' })) },
    { prefix: 'user:', create: () => new TestChannel() },
  ]);
  const session = new SocketSession({
    connection, userId: 'U1', router, clock: { now: () => now }, logger: pino({ level: 'silent' }),
    ...(opts.messageBurst !== undefined ? { messageBurst: opts.messageBurst, messageRefillPerSecond: 1 } : {}),
  });
  const send = (frame: unknown) => session.receive(JSON.stringify(frame), false);
  return { connection, session, send, advance: (ms: number) => (now += ms) };
}

describe('SocketSession', () => {
  test('a heartbeat is answered at once, even behind a join that waits on the store', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { connection, send } = setup({ route: () => new TestChannel({ gate }) });
    send(['1', '1', 'room:a', 'phx_join', {}]);
    send(['1', '2', 'room:a', 'ping', {}]);
    send([null, '3', 'phoenix', 'heartbeat', {}]);
    await settle();
    assert.deepEqual(connection.take(), [[null, '3', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]]);
    open();
    await settle();
    assert.deepEqual(connection.take().map((f) => [f[1], f[3]]), [['1', 'phx_reply'], [null, 'hello'], ['2', 'phx_reply']], 'join reply, its push, then the event: in order');
  });

  test('join routes by topic; unknown topics and events on unjoined topics are unmatched', async () => {
    const { connection, send } = setup();
    send(['1', '1', 'room:a', 'phx_join', { last_seq: 3 }]);
    send(['2', '2', 'nope:a', 'phx_join', {}]);
    send(['3', '3', 'room:zzz', 'ping', {}]);
    send([null, '4', 'phoenix', 'other', {}]);
    await settle();
    const sent = connection.take();
    assert.deepEqual(sent[0], ['1', '1', 'room:a', 'phx_reply', { status: 'ok', response: { joined: 'room:a', params: { last_seq: 3 } } }]);
    assert.deepEqual(sent[1], ['1', null, 'room:a', 'hello', {}]);
    assert.deepEqual(sent[2], ['2', '2', 'nope:a', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic', message: 'unmatched topic' } }]);
    assert.equal(sent[3]![4].response?.reason, 'unmatched topic');
    assert.equal(sent[3]![0], null, 'as Phoenix: no join_ref on an unmatched event reply');
    assert.equal(sent[4]![4].response?.reason, 'unmatched topic');
  });

  test('a 101st channel is refused with Phoenix\'s words', async () => {
    const { connection, send, session } = setup();
    for (let i = 0; i < LIMITS.maxChannelsPerSocket; i++) send([`${i}`, `${i}`, `room:${i}`, 'phx_join', {}]);
    send(['x', 'x', 'room:extra', 'phx_join', {}]);
    await settle();
    const last = connection.sent.at(-1)!;
    assert.deepEqual(last[4], { status: 'error', response: { reason: 'too many channels joined', message: 'too many channels joined' } });
    assert.equal(session.channelCount, LIMITS.maxChannelsPerSocket);
  });

  test('joins past the join rate are refused with retry_after_ms', async () => {
    const { connection, send, advance } = setup({ route: () => new TestChannel({ refuse: new AppError('not_member') }) });
    for (let i = 0; i < LIMITS.joinBurst; i++) send([`${i}`, `${i}`, `room:${i}`, 'phx_join', {}]);
    send(['x', 'x', 'room:x', 'phx_join', {}]);
    await settle();
    const last = connection.take().at(-1)!;
    assert.equal(last[4].response?.reason, 'rate_limited');
    assert.equal(last[4].response?.retry_after_ms, 1000 / LIMITS.joinRefillPerSecond);
    advance(1000 / LIMITS.joinRefillPerSecond);
    send(['y', 'y', 'room:y', 'phx_join', {}]);
    await settle();
    assert.equal(connection.take()[0]![4].response?.reason, 'not_member', 'allowed again once refilled');
  });

  test('joining a joined topic closes the old channel first', async () => {
    const { connection, send } = setup();
    send(['1', '1', 'room:a', 'phx_join', {}]);
    send(['5', '5', 'room:a', 'phx_join', {}]);
    await settle();
    const [first, second] = TestChannel.instances;
    assert.equal(first!.leaves, 1);
    assert.equal(second!.leaves, 0);
    assert.deepEqual(connection.take().map((f) => [f[0], f[1], f[3]]), [
      ['1', '1', 'phx_reply'], ['1', null, 'hello'], ['1', '1', 'phx_close'], ['5', '5', 'phx_reply'], ['5', null, 'hello'],
    ]);
    first!.ctx!.push('late', {});
    assert.deepEqual(connection.take(), [], 'a closed channel writes nothing');
  });

  test('events with a stale join_ref are ignored; a null join_ref is accepted, as in Phoenix', async () => {
    const { connection, send } = setup();
    send(['1', '1', 'room:a', 'phx_join', {}]);
    send(['5', '5', 'room:a', 'phx_join', {}]);
    await settle();
    connection.take();
    send(['1', '6', 'room:a', 'ping', {}]);
    send(['1', '7', 'room:a', 'phx_leave', {}]);
    send([null, '8', 'room:a', 'ping', {}]);
    send(['5', '9', 'room:a', 'ping', {}]);
    await settle();
    assert.deepEqual(connection.take().map((f) => f[1]), ['8', '9']);
  });

  test('phx_leave: ok reply, then phx_close; leaving an unjoined topic is ok too', async () => {
    const { connection, send, session } = setup();
    send(['1', '1', 'room:a', 'phx_join', {}]);
    await settle();
    connection.take();
    send(['1', '2', 'room:a', 'phx_leave', {}]);
    send(['9', '3', 'room:b', 'phx_leave', {}]);
    await settle();
    assert.deepEqual(connection.take(), [
      ['1', '2', 'room:a', 'phx_reply', { status: 'ok', response: {} }],
      ['1', '1', 'room:a', 'phx_close', {}],
      ['9', '3', 'room:b', 'phx_reply', { status: 'ok', response: {} }],
    ]);
    assert.equal(TestChannel.instances[0]!.leaves, 1);
    assert.equal(session.channelCount, 0);
  });

  test('errors become error replies and the connection stays up', async () => {
    const { connection, send } = setup();
    send(['1', '1', 'room:a', 'phx_join', {}]);
    send(['1', '2', 'room:a', 'fail', {}]);
    send(['1', '3', 'room:a', 'bug', {}]);
    send(['1', '4', 'room:a', 'ping', { x: 1 }]);
    await settle();
    const sent = connection.take().slice(2);
    assert.deepEqual(sent[0]![4], { status: 'error', response: { field: 'body', reason: 'body_empty', message: 'The message body is empty.' } });
    assert.deepEqual(sent[1]![4], { status: 'error', response: { reason: 'internal', message: 'Something went wrong on our side.' } });
    assert.deepEqual(sent[2]![4], { status: 'ok', response: { echo: 'ping', payload: { x: 1 } } });
    assert.equal(connection.closedWith, undefined);
  });

  test('unreadable frames close with 1007; readable but wrong ones are answered', async () => {
    for (const bad of ['{', '{"a":1}', '[1,2]', '[null,null,"room:a","e",{}]'.replace('"room:a"', '5')]) {
      const { connection, session } = setup();
      session.receive(bad, false);
      await settle();
      assert.equal(connection.closedWith?.[0], 1007, bad);
      assert.ok(connection.closedWith![1].length > 0);
    }
    const { connection, session, send } = setup();
    send([7, '2', 'room:a', 'ping', {}]);
    send(['1', '3', 'room:a', 'ping', []]);
    session.receive(Buffer.from([1, 2, 3]), true);
    await settle();
    assert.deepEqual(connection.sent.slice(0, 2).map((f) => [f[1], f[4].response?.reason]), [['2', 'invalid_frame'], ['3', 'invalid_payload']]);
    assert.match(connection.sent[0]![4].response?.message ?? "", /join_ref must be null or a string/);
    assert.equal(connection.closedWith?.[0], 1007, 'a malformed binary frame is unreadable');
  });

  test('binary pushes are refused as invalid_payload', async () => {
    const { connection, session, send } = setup();
    send(['1', '1', 'room:a', 'phx_join', {}]);
    const push = Buffer.from([0, 1, 1, 6, 4, ...Buffer.from('12room:afile'), 0xff]);
    assert.equal(binarySerializer.decodePush(push).event, 'file');
    session.receive(push, true);
    await settle();
    assert.equal(connection.sent.at(-1)![4].response?.reason, 'invalid_payload');
  });

  test('events past the message rate are refused with retry_after_ms', async () => {
    const { connection, send, advance } = setup({ messageBurst: 2 });
    send(['1', '1', 'room:a', 'phx_join', {}]);
    for (let i = 0; i < 3; i++) send(['1', `m${i}`, 'room:a', 'ping', {}]);
    await settle();
    const replies = connection.take().slice(2).map((f) => f[4]);
    assert.deepEqual(replies.map((r) => r.status), ['ok', 'ok', 'error']);
    assert.equal(replies[2]!.response?.reason, 'rate_limited');
    assert.equal(replies[2]!.response?.retry_after_ms, 1000);
    advance(1000);
    send(['1', 'm3', 'room:a', 'ping', {}]);
    await settle();
    assert.equal(connection.take()[0]![4].status, 'ok');
  });

  test('revoking a group closes its channels and tells the user: channel', async () => {
    const { connection, send, session } = setup();
    send(['1', '1', 'room:a', 'phx_join', {}]);
    send(['2', '2', 'user:U1', 'phx_join', {}]);
    await settle();
    connection.take();
    session.revokeGroup('G1');
    assert.deepEqual(connection.take(), [
      ['1', '1', 'room:a', 'phx_close', {}],
      ['2', null, 'user:U1', 'group:removed', { group_id: 'G1' }],
    ]);
    assert.equal(TestChannel.instances[0]!.leaves, 1);
    session.revokeGroup('G2');
    assert.deepEqual(connection.take(), [['2', null, 'user:U1', 'group:removed', { group_id: 'G2' }]]);
  });

  test('a join of a group revoked while the join waited is refused', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { connection, send, session } = setup({ route: () => new TestChannel({ groupId: 'G1', gate }) });
    send(['1', '1', 'room:a', 'phx_join', {}]);
    await settle();
    session.revokeGroup('G1');
    open();
    await settle();
    assert.equal(connection.take()[0]![4].response?.reason, 'not_member');
    assert.equal(TestChannel.instances[0]!.leaves, 1);
    assert.equal(session.channelCount, 0);
  });

  test('when the connection closes every channel is left and queued frames are dropped', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { connection, send, session } = setup({ route: () => new TestChannel({ gate }) });
    send(['1', '1', 'user:U1', 'phx_join', {}]);
    send(['2', '2', 'room:a', 'phx_join', {}]);
    send(['3', '3', 'room:b', 'phx_join', {}]);
    await settle();
    session.closed();
    open();
    await settle();
    assert.equal(TestChannel.instances.length, 2, 'the third join never ran');
    assert.deepEqual(TestChannel.instances.map((c) => c.leaves), [1, 1], 'the joined one and the one joining are both left');
    assert.equal(session.channelCount, 0);
    connection.take();
    send([null, '9', 'phoenix', 'heartbeat', {}]);
    assert.deepEqual(connection.take(), [], 'nothing is answered after close');
  });

  test('too many frames in flight close the socket with 1008', async () => {
    const gate = new Promise<void>(() => {});
    const { connection, send } = setup({ route: () => new TestChannel({ gate }) });
    send(['1', '1', 'room:a', 'phx_join', {}]);
    for (let i = 0; i < LIMITS.maxPendingFrames; i++) send(['1', `${i}`, 'room:a', 'ping', {}]);
    assert.equal(connection.closedWith?.[0], 1008);
  });

  test('a channel failing right after its reply is reported with phx_error and dropped', async () => {
    const { connection, send, session } = setup({ route: () => new TestChannel({ afterReplyThrows: true }) });
    send(['1', '1', 'room:a', 'phx_join', {}]);
    await settle();
    assert.deepEqual(connection.take().map((f) => f[3]), ['phx_reply', 'phx_error']);
    assert.equal(session.channelCount, 0);
  });
});
