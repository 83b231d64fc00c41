import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { LIMITS } from '../../src/config/limits.ts';
import { SocketTokens } from '../../src/domain/socket-token.ts';
import type { Connection } from '../../src/transport/connection.ts';
import { LongPollTransport, parseQuery } from '../../src/transport/longpoll-transport.ts';
import { ManualTime } from './manual-time.ts';

interface Peer {
  connection: Connection;
  userId: string;
  received: Array<[string | Buffer, boolean]>;
  closed: [number, string] | undefined;
}

describe('LongPollTransport', () => {
  let time: ManualTime;
  let tokens: SocketTokens;
  let transport: LongPollTransport;
  let app: FastifyInstance;
  let peers: Peer[];
  /** The sign-in sessions that stand, as the store would say. */
  let live: Set<string>;

  beforeEach(async () => {
    time = new ManualTime();
    tokens = new SocketTokens('s'.repeat(40), 60_000, () => time.now());
    peers = [];
    live = new Set(['S1']);
    transport = new LongPollTransport({
      tokens, sessionIsLive: async (_userId, sessionId) => live.has(sessionId), clock: time, timers: time, logger: pino({ level: 'silent' }),
      accept: (connection, userId) => {
        const peer: Peer = { connection, userId, received: [], closed: undefined };
        peers.push(peer);
        return { receive: (data, binary) => peer.received.push([data, binary]), closed: (code, reason) => (peer.closed = [code, reason]) };
      },
    });
    app = Fastify();
    await transport.register(app);
    await app.ready();
  });

  async function get(query: string, headers: Record<string, string> = {}) {
    const res = await app.inject({ method: 'GET', url: `/socket/longpoll?${query}`, headers });
    assert.equal(res.statusCode, 200, 'the HTTP status is always 200');
    assert.equal(res.headers['cache-control'], 'no-store');
    return res.json() as { status: number; token?: string; messages?: string[] };
  }

  async function post(query: string, body: string, headers: Record<string, string> = {}) {
    const res = await app.inject({ method: 'POST', url: `/socket/longpoll?${query}`, payload: body, headers: { 'content-type': 'application/x-ndjson', ...headers } });
    assert.equal(res.statusCode, 200);
    return res.json() as { status: number };
  }

  async function openSession(sessionId = 'S1'): Promise<{ socketToken: string; session: string; peer: Peer }> {
    const socketToken = encodeURIComponent(tokens.mint('U1', sessionId).token);
    const opened = await get(`token=${socketToken}&vsn=2.0.0&`);
    assert.equal(opened.status, 410, 'phoenix.js reads 410 + token as "opened"');
    assert.match(opened.token!, /^lp1\.[\w-]{32}$/);
    return { socketToken, session: opened.token!, peer: peers.at(-1)! };
  }

  test('a GET without a valid socket token answers status 403', async () => {
    assert.equal((await get('vsn=2.0.0')).status, 403, 'missing');
    assert.equal((await get('token=v1.U1.99999999999999.forged&vsn=2.0.0')).status, 403, 'forged');
    const expired = new SocketTokens('s'.repeat(40), 1, () => time.now() - 10).mint('U1', 'S1').token;
    assert.equal((await get(`token=${encodeURIComponent(expired)}&vsn=2.0.0`)).status, 403, 'expired');
    assert.equal((await get(`token=${encodeURIComponent(tokens.mint('U1', 'S1').token)}&vsn=1.0.0`)).status, 403, 'wrong vsn');
    assert.equal(peers.length, 0);
  });

  test('a token of an ended session answers 403; closeSessions ends its sessions, the held poll answering 403', async () => {
    live.add('S-end');
    const ending = await openSession('S-end');
    const other = await openSession('S1');
    const held = get(`token=${ending.session}`);
    await new Promise((resolve) => setImmediate(resolve));
    live.delete('S-end');
    transport.closeSessions(['S-end']);
    assert.deepEqual(await held, { status: 403 }, 'phoenix.js closes the transport on 403 instead of reading it as opened');
    assert.deepEqual(ending.peer.closed, [4401, 'session ended']);
    assert.equal(other.peer.closed, undefined, 'another session stays');
    assert.equal((await get(`token=${ending.session}`)).status, 410, 'the session is gone');
    assert.equal((await get(`token=${ending.socketToken}&vsn=2.0.0`)).status, 403, 'the same socket token opens no session');
    assert.equal(peers.length, 2);
  });

  test('the socket token may come in the X-Phoenix-AuthToken header', async () => {
    const opened = await get('vsn=2.0.0&', { 'x-phoenix-authtoken': tokens.mint('U-header', 'S1').token });
    assert.equal(opened.status, 410);
    assert.equal(peers[0]!.userId, 'U-header');
  });

  test('session tokens are random', async () => {
    const a = await openSession();
    const b = await openSession();
    assert.notEqual(a.session, b.session);
  });

  test('a poll answers queued frames at once, or waits for the next ones', async () => {
    const { socketToken, session, peer } = await openSession();
    peer.connection.send('["1","1","room:a","phx_reply",{}]');
    // phoenix.js with params {token}: the socket token first, the session token LAST
    const first = await get(`token=${socketToken}&vsn=2.0.0&token=${session}`);
    assert.deepEqual(first, { status: 200, token: session, messages: ['["1","1","room:a","phx_reply",{}]'] });

    const held = get(`vsn=2.0.0&token=${session}`);
    await new Promise((resolve) => setImmediate(resolve));
    peer.connection.send('a');
    peer.connection.send('b');
    assert.deepEqual(await held, { status: 200, token: session, messages: ['a', 'b'] }, 'frames sent together go together');
  });

  test('a poll with nothing to say answers 204 after the hold time', async () => {
    const { session } = await openSession();
    const held = get('vsn=2.0.0', { 'x-phoenix-longpoll-token': session });
    await new Promise((resolve) => setImmediate(resolve));
    time.advance(LIMITS.longPollHoldMs);
    assert.deepEqual(await held, { status: 204, token: session, messages: [] });
  });

  test('POST NDJSON: text lines are frames, other lines base64 binary frames', async () => {
    const { session, peer } = await openSession();
    const body = ['[null,"1","phoenix","heartbeat",{}]', Buffer.from([0, 1, 2]).toString('base64'), '["1","2","room:a","phx_join",{}]'].join('\n');
    assert.deepEqual(await post(`token=${session}`, body), { status: 200 });
    assert.deepEqual(peer.received.map(([d, binary]) => (binary ? [...(d as Buffer)] : d)), [
      '[null,"1","phoenix","heartbeat",{}]', [0, 1, 2], '["1","2","room:a","phx_join",{}]',
    ]);
    assert.deepEqual(await post('', '[null,"3","phoenix","heartbeat",{}]', { 'x-phoenix-longpoll-token': session }), { status: 200 });
    assert.equal(peer.received.length, 4);
  });

  test('POST over the line limit answers 413 and ends the session', async () => {
    const { session, peer } = await openSession();
    const lines = Array.from({ length: LIMITS.longPollMaxLines + 1 }, (_, i) => `[null,"${i}","phoenix","heartbeat",{}]`);
    assert.deepEqual(await post(`token=${session}`, lines.join('\n')), { status: 413 });
    assert.equal(peer.received.length, 0);
    assert.equal((await get(`token=${session}`)).status, 410);
  });

  test('POST over the body limit answers status 413, not an HTTP error', async () => {
    const { session } = await openSession();
    assert.deepEqual(await post(`token=${session}`, 'x'.repeat(LIMITS.longPollMaxBodyBytes + 1)), { status: 413 });
  });

  test('unknown session tokens answer 410 to GET and POST', async () => {
    assert.equal((await get('token=lp1.nope&vsn=2.0.0')).status, 410);
    assert.deepEqual(await post('token=lp1.nope', '[null,"1","phoenix","heartbeat",{}]'), { status: 410 });
  });

  test('a session without polls for the session timeout is closed', async () => {
    const { session, peer } = await openSession();
    time.advance(LIMITS.longPollSessionTimeoutMs - 1);
    assert.equal(peer.closed, undefined);
    time.advance(LIMITS.idleSweepMs + 1);
    assert.equal(peer.closed?.[1], 'longpoll session expired');
    assert.equal((await get(`token=${session}`)).status, 410);
  });

  test('a server-side close answers the held poll 410, so the client reconnects', async () => {
    const { session, peer } = await openSession();
    const held = get(`token=${session}`);
    await new Promise((resolve) => setImmediate(resolve));
    peer.connection.close(1008, 'bye');
    assert.deepEqual(await held, { status: 410 });
    assert.deepEqual(peer.closed, [1008, 'bye']);
  });

  test('close() ends every session', async () => {
    const { session, peer } = await openSession();
    const held = get(`token=${session}`);
    await new Promise((resolve) => setImmediate(resolve));
    transport.close();
    assert.deepEqual(await held, { status: 410 });
    assert.equal(peer.closed?.[0], 1001);
    assert.equal(transport.size, 0);
    assert.equal(time.pending, 0, 'no timer left behind');
  });

  test('too many frames queued for a session that does not poll: closed as a slow consumer', async () => {
    const { peer } = await openSession();
    for (let i = 0; i <= LIMITS.longPollMaxQueued; i++) peer.connection.send('x');
    assert.match(peer.closed?.[1] ?? '', /slow consumer/);
  });

  test('parseQuery keeps every token, in order', () => {
    assert.deepEqual(parseQuery('/socket/longpoll?token=a&vsn=2.0.0&token=b&'), { tokens: ['a', 'b'], vsn: '2.0.0' });
    assert.deepEqual(parseQuery('/x'), { tokens: [], vsn: null });
  });
});
