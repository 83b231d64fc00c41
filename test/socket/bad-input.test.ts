import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { LIMITS } from '../../src/config/limits.ts';
import { SocketTokens } from '../../src/domain/socket-token.ts';
import { startTestServer, type TestServer, type TestUser } from '../support/test-server.ts';
import { RawClient } from './raw-client.ts';

const SECRET = 'bad-input-test-secret-0123456789abcdefghij';

/**
 * Hostile and broken input over a real WebSocket, frame by hand. After each case the server
 * still answers, and a bystander's connection in the same room is untouched.
 */
describe('bad input on the socket', () => {
  let server: TestServer;
  let owner: TestUser;
  let outsider: TestUser;
  let roomTopic: string;
  let groupId: string;
  let otherGroupId: string;
  let otherRoomId: string;
  let bystander: RawClient;
  const clients: RawClient[] = [];

  before(async () => {
    server = await startTestServer({ env: { RENRAKU_SECRET: SECRET } });
    owner = await server.signup('Owner');
    outsider = await server.signup('Outsider');
    const member = await server.signup('Bystander');
    const group = await server.createGroup(owner);
    groupId = group.id;
    await server.addMember(owner, groupId, member);
    roomTopic = `room:${(await server.createRoom(owner, groupId)).id}`;
    const otherGroup = await server.createGroup(outsider);
    otherGroupId = otherGroup.id;
    otherRoomId = (await server.createRoom(outsider, otherGroupId)).id;
    bystander = await RawClient.connect(server.wsUrl, member.socketToken);
    assert.equal((await bystander.join(roomTopic)).reply.status, 'ok');
  });

  after(async () => {
    for (const client of [...clients, bystander]) await client.close();
    await server.stop();
  });

  async function connect(user: TestUser = owner): Promise<RawClient> {
    const client = await RawClient.connect(server.wsUrl, user.socketToken);
    clients.push(client);
    return client;
  }

  /** A client joined to the shared room. */
  async function inRoom(): Promise<{ client: RawClient; joinRef: string }> {
    const client = await connect();
    const { joinRef, reply } = await client.join(roomTopic);
    assert.equal(reply.status, 'ok');
    return { client, joinRef };
  }

  async function untouched(): Promise<void> {
    assert.deepEqual(await bystander.heartbeat(), { status: 'ok', response: {} });
    assert.equal(bystander.ws.readyState, WebSocket.OPEN);
    assert.equal((await server.request('GET', '/healthz')).status, 200);
  }

  function reasonOf(payload: { status?: string; response?: { reason?: string } }): string | undefined {
    assert.equal(payload.status, 'error', JSON.stringify(payload));
    return payload.response?.reason;
  }

  test('malformed JSON closes the socket with 1007', async () => {
    const client = await connect();
    client.send('["1","1","room:x","phx_join",{');
    const closed = await client.closed;
    assert.equal(closed.code, 1007);
    assert.equal(closed.reason, 'frame is not valid JSON');
    await untouched();
  });

  test('a frame that is not a 5-array closes the socket with 1007', async () => {
    for (const frame of ['{"topic":"room:x"}', '["1","1","room:x","phx_join"]', '["1","1","room:x","phx_join",{},"extra"]', '42']) {
      const client = await connect();
      client.send(frame);
      const closed = await client.closed;
      assert.equal(closed.code, 1007, frame);
      assert.match(closed.reason, /JSON array \[join_ref, ref, topic, event, payload\]/);
    }
    await untouched();
  });

  test('wrong envelope types with a usable ref and topic: invalid_frame, and the socket stays', async () => {
    const client = await connect();
    client.send([1, '7', roomTopic, 'phx_join', {}]);
    const reply = (await client.reply('7'))[4];
    assert.equal(reasonOf(reply), 'invalid_frame');
    assert.match(reply.response?.message ?? '', /join_ref must be null or a string/);
    client.send([null, '8', roomTopic, ['not', 'an', 'event'], {}]);
    assert.equal(reasonOf((await client.reply('8'))[4]), 'invalid_frame');
    assert.deepEqual(await client.heartbeat(), { status: 'ok', response: {} });
    await untouched();
  });

  test('a payload that is not an object: invalid_payload', async () => {
    const { client, joinRef } = await inRoom();
    for (const payload of [[], 'text', 42, null]) {
      assert.equal(reasonOf(await client.request(joinRef, roomTopic, 'msg:new', payload)), 'invalid_payload', JSON.stringify(payload));
    }
    await untouched();
  });

  test('an unknown event: unknown_event', async () => {
    const { client, joinRef } = await inRoom();
    const reply = await client.request(joinRef, roomTopic, 'msg:explode', {});
    assert.equal(reasonOf(reply), 'unknown_event');
    assert.match(reply.response?.message ?? '', /msg:new, msg:edit/);
    await untouched();
  });

  test('an unknown topic: "unmatched topic", as Phoenix says it', async () => {
    const client = await connect();
    for (const topic of ['lobby:1', 'room:', 'phoenix', 'x'.repeat(LIMITS.maxTopicLength)]) {
      assert.equal(reasonOf((await client.join(topic)).reply), 'unmatched topic', topic);
    }
    assert.equal(reasonOf(await client.request(null, 'room:never-joined', 'msg:new', { body: 'x' })), 'unmatched topic');
    await untouched();
  });

  test('topics of a group you are not in, or of someone else, are refused', async () => {
    const client = await connect();
    assert.equal(reasonOf((await client.join(`group:${otherGroupId}`)).reply), 'not_member');
    assert.equal(reasonOf((await client.join(`room:${otherRoomId}`)).reply), 'not_member');
    assert.equal(reasonOf((await client.join('room:01NOSUCHROOM00000000000000')).reply), 'room_not_found');
    assert.equal(reasonOf((await client.join('group:01NOSUCHGROUP0000000000000')).reply), 'group_not_found');
    assert.equal(reasonOf((await client.join(`user:${outsider.user.id}`)).reply), 'forbidden');
    assert.equal((await client.join(`group:${groupId}`)).reply.status, 'ok', 'while one\'s own group is fine');
    await untouched();
  });

  test('a 101st channel: "too many channels joined"', async () => {
    const client = await connect();
    const rooms = await Promise.all(Array.from({ length: LIMITS.maxChannelsPerSocket }, (_, i) => server.createRoom(owner, groupId, `r${i}`)));
    const refs = rooms.map((room) => {
      const ref = client.ref();
      client.send([ref, ref, `room:${room.id}`, 'phx_join', {}]);
      return ref;
    });
    for (const ref of refs) assert.equal((await client.reply(ref))[4].status, 'ok');
    const extra = await server.createRoom(owner, groupId, 'one too many');
    const reply = (await client.join(`room:${extra.id}`)).reply;
    assert.deepEqual(reply, { status: 'error', response: { reason: 'too many channels joined', message: 'too many channels joined' } });
    assert.equal(server.app.realtime.stats().channels >= LIMITS.maxChannelsPerSocket, true);
    await untouched();
  });

  test('a frame over the size limit closes the socket with 1009', async () => {
    const { client, joinRef } = await inRoom();
    client.send([joinRef, client.ref(), roomTopic, 'msg:new', { body: 'x'.repeat(LIMITS.maxFrameBytes) }]);
    assert.deepEqual(await client.closed, { code: 1009, reason: `frame over ${LIMITS.maxFrameBytes} bytes` });
    await untouched();
  });

  test('invalid UTF-8 in a text frame closes the socket with 1007, saying so', async () => {
    const client = await connect();
    client.ws.send(Buffer.from([0x5b, 0xff, 0xfe, 0x5d]), { binary: false });
    assert.deepEqual(await client.closed, { code: 1007, reason: 'invalid UTF-8 in a text frame' });
    await untouched();
  });

  test('LongPoll: a POST line that is not a frame answers 400 with the reason, as the WebSocket closes with 1007', async () => {
    const opened = await (await fetch(`${server.url}/socket/longpoll?token=${encodeURIComponent(owner.socketToken)}&vsn=2.0.0`)).json() as { status: number; token: string };
    assert.equal(opened.status, 410);
    const post = async (body: string) => {
      const res = await fetch(`${server.url}/socket/longpoll`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson', 'x-phoenix-longpoll-token': opened.token } });
      assert.equal(res.status, 200, 'the HTTP status is always 200');
      return res.json();
    };
    assert.deepEqual(await post('[null,"1","phoenix","heartbeat",{}]'), { status: 200 });
    assert.deepEqual(await post('[null,"2","phoenix","heartbeat",{}]\n["1","1","room:x","phx_join",{\n[null,"3","phoenix","heartbeat",{}]'), { status: 400, reason: 'frame is not valid JSON' });
    const poll = await (await fetch(`${server.url}/socket/longpoll`, { headers: { 'x-phoenix-longpoll-token': opened.token } })).json() as { status: number };
    assert.equal(poll.status, 410, 'the session ended, as the WebSocket would have closed');
    await untouched();
  });

  test('empty, blank, over-long and non-string bodies are refused', async () => {
    const { client, joinRef } = await inRoom();
    const post = (payload: unknown) => client.request(joinRef, roomTopic, 'msg:new', payload);
    assert.equal(reasonOf(await post({ body: '' })), 'body_empty');
    assert.equal(reasonOf(await post({ body: ' \n\t ' })), 'body_empty');
    const long = await post({ body: '😀'.repeat(LIMITS.maxMessageChars + 1) });
    assert.equal(reasonOf(long), 'body_too_long');
    assert.equal(long.response?.max, LIMITS.maxMessageChars);
    assert.equal((await post({ body: '😀'.repeat(LIMITS.maxMessageChars) })).status, 'ok', 'the limit counts code points');
    for (const body of [42, null, ['a'], { text: 'a' }, true]) {
      const reply = await post({ body });
      assert.equal(reasonOf(reply), 'invalid_payload', JSON.stringify(body));
      assert.equal(reply.response?.field, 'body');
    }
    assert.equal(reasonOf(await post({})), 'invalid_payload');
    assert.equal(reasonOf(await post({ body: 'ok', client_id: 5 })), 'invalid_payload');
    assert.equal(reasonOf(await post({ body: 'ok', mentions: 'everyone' })), 'invalid_payload');
    await untouched();
  });

  test('a client_id reused with a different body: client_id_conflict; with the same body, the same answer', async () => {
    const { client, joinRef } = await inRoom();
    const post = (body: string) => client.request(joinRef, roomTopic, 'msg:new', { body, client_id: 'retry-1' });
    const first = await post('once only');
    assert.equal(first.status, 'ok');
    assert.deepEqual(await post('once only'), first);
    assert.equal(reasonOf(await post('something else')), 'client_id_conflict');
    await untouched();
  });

  test('past the message rate: rate_limited with retry_after_ms', async () => {
    const { client, joinRef } = await inRoom();
    const refs = Array.from({ length: LIMITS.messageBurst * 2 }, () => {
      const ref = client.ref();
      client.send([joinRef, ref, roomTopic, 'typing', {}]);
      return ref;
    });
    const replies = await Promise.all(refs.map(async (ref) => (await client.reply(ref))[4]));
    assert.ok(replies.slice(0, LIMITS.messageBurst).every((r) => r.status === 'ok'), 'the burst passes');
    const limited = replies.filter((r) => r.status === 'error');
    assert.ok(limited.length > 0);
    for (const reply of limited) {
      assert.equal(reply.response?.reason, 'rate_limited');
      assert.ok(typeof reply.response?.retry_after_ms === 'number' && reply.response.retry_after_ms > 0);
    }
    assert.deepEqual(await client.heartbeat(), { status: 'ok', response: {} }, 'the socket stays');
    await untouched();
  });

  test('missing, expired and forged tokens: upgrade refused with 403, LongPoll status 403', async () => {
    const past = new SocketTokens(SECRET, 1000, () => Date.now() - 60_000);
    const current = new SocketTokens(SECRET, 60_000);
    const forged = new SocketTokens('another-secret-entirely-0123456789abcdef', 60_000);
    // The owner's real, live sign-in session: each case below is refused for its token alone.
    const sessionId = current.verify(owner.socketToken)!.sessionId;
    const cases: Array<[string, string | undefined]> = [
      ['missing', undefined],
      ['expired', past.mint(owner.user.id, sessionId).token],
      ['forged', forged.mint(owner.user.id, sessionId).token],
      ['tampered', owner.socketToken.replace(/\.[^.]+$/, '.AAAA')],
    ];
    for (const [name, token] of cases) {
      const query = `${token === undefined ? '' : `token=${encodeURIComponent(token)}&`}vsn=2.0.0`;
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${server.wsUrl}/socket/websocket?${query}`);
        ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); ws.terminate(); });
        ws.on('open', () => { ws.close(); reject(new Error(`${name}: upgraded`)); });
        ws.on('error', () => {});
      });
      assert.equal(status, 403, name);
      const poll = await fetch(`${server.url}/socket/longpoll?${query}`);
      assert.equal(poll.status, 200);
      assert.deepEqual(await poll.json(), { status: 403 }, name);
    }
    // The same secret and a current time are accepted: "expired" above was refused for its age alone.
    const fresh = await RawClient.connect(server.wsUrl, current.mint(owner.user.id, sessionId).token);
    clients.push(fresh);
    await untouched();
  });

  test('NUL and control characters: invalid_characters', async () => {
    const { client, joinRef } = await inRoom();
    for (const body of ['a\u0000b', 'bell\u0007', 'esc\u001b[31m', 'del\u007f', 'c1\u0085']) {
      assert.equal(reasonOf(await client.request(joinRef, roomTopic, 'msg:new', { body })), 'invalid_characters', JSON.stringify(body));
    }
    assert.equal((await client.request(joinRef, roomTopic, 'msg:new', { body: 'tab\tand\nnewline' })).status, 'ok');
    await untouched();
  });

  test('4-byte emoji, RTL text and SQL-like strings are stored and returned intact', async () => {
    const { client, joinRef } = await inRoom();
    const bodies = [
      '👨‍👩‍👧‍👦 🏳️‍🌈 𝕳𝖊𝖑𝖑𝖔 😀',
      'שלום עולם — مرحبا بالعالم \u200f(rtl)\u200e',
      "Robert'); DROP TABLE messages;-- \" OR 1=1 /* */ \\' %_",
      '<script>alert(1)</script> &amp; {{x}} ${y}',
    ];
    for (const body of bodies) {
      const reply = await client.request(joinRef, roomTopic, 'msg:new', { body, client_id: `intact-${bodies.indexOf(body)}` });
      assert.equal(reply.status, 'ok');
      const seq = reply.response?.seq;
      const broadcast = await bystander.next((f) => f[3] === 'msg' && f[4].seq === seq, `broadcast of seq ${seq}`);
      assert.equal(broadcast[4].body, body);
    }
    const history = await client.request(joinRef, roomTopic, 'history', { limit: 200 });
    const stored = (history.response?.messages as Array<{ body: string }>).map((m) => m.body);
    for (const body of bodies) assert.ok(stored.includes(body), body);
    await untouched();
  });
});
