import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import WebSocket from 'ws';
import { upgradeStatus } from '../support/upgrade-status.ts';
import { LIMITS } from '../../src/config/limits.ts';
import { SocketTokens } from '../../src/domain/socket-token.ts';
import type { Connection } from '../../src/transport/connection.ts';
import { tokenFromSubprotocols, WebSocketTransport } from '../../src/transport/websocket-transport.ts';
import { ManualTime } from './manual-time.ts';

interface Accepted {
  connection: Connection;
  userId: string;
  received: Array<string | Buffer>;
  closed: Promise<[number, string]>;
}

describe('WebSocketTransport', () => {
  const time = new ManualTime();
  const tokens = new SocketTokens('s'.repeat(40), 60_000, () => time.now());
  /** The sign-in sessions that stand, as the store would say; a held check tells it started and waits. */
  const live = new Set(['S1', 'S2']);
  const held = new Map<string, { started: () => void; release: Promise<void> }>();
  const sessionIsLive = async (_userId: string, sessionId: string) => {
    const hold = held.get(sessionId);
    if (hold) {
      hold.started();
      await hold.release;
    }
    return live.has(sessionId);
  };
  const accepted: Accepted[] = [];
  let server: Server;
  let transport: WebSocketTransport;
  let base: string;

  before(async () => {
    server = createServer((_req, res) => res.end('plain http'));
    transport = new WebSocketTransport({
      tokens, sessionIsLive, clock: time, timers: time, logger: pino({ level: 'silent' }),
      accept: (connection, userId) => {
        let closed!: (v: [number, string]) => void;
        const entry: Accepted = { connection, userId, received: [], closed: new Promise((r) => (closed = r)) };
        accepted.push(entry);
        return {
          receive: (data) => {
            entry.received.push(data);
            connection.send(`echo:${data.toString()}`);
          },
          closed: (code, reason) => closed([code, reason]),
        };
      },
    });
    transport.attach(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/socket/websocket`;
  });

  after(async () => {
    await transport.close();
    server.close();
  });

  const attempt = upgradeStatus;

  async function open(sessionId = 'S1'): Promise<{ ws: WebSocket; server: Accepted }> {
    const ws = new WebSocket(`${base}?token=${encodeURIComponent(tokens.mint('U1', sessionId).token)}&vsn=2.0.0`);
    await once(ws, 'open');
    return { ws, server: accepted.at(-1)! };
  }

  test('refuses before upgrading: 400 without vsn 2.0.0, 403 without a valid token', async () => {
    const good = encodeURIComponent(tokens.mint('U1', 'S1').token);
    assert.equal(await attempt(`${base}?token=${good}`), 400);
    assert.equal(await attempt(`${base}?token=${good}&vsn=1.0.0`), 400);
    assert.equal(await attempt(`${base}?vsn=2.0.0`), 403, 'missing');
    assert.equal(await attempt(`${base}?token=v1.U1.1.AAAA&vsn=2.0.0`), 403, 'forged');
    const expired = new SocketTokens('s'.repeat(40), 1, () => time.now() - 10).mint('U1', 'S1').token;
    assert.equal(await attempt(`${base}?token=${encodeURIComponent(expired)}&vsn=2.0.0`), 403, 'expired');
    assert.equal(await attempt(`${base}?token=${good}&vsn=2.0.0`), 101);
  });

  test('a token of an ended session is refused with 403; closeSessions closes its sockets with 4401', async () => {
    live.add('S-end');
    const ending = await open('S-end');
    const other = await open('S2');
    const closed = once(ending.ws, 'close');
    live.delete('S-end');
    transport.closeSessions(['S-end']);
    const [code, reason] = await closed;
    assert.deepEqual([code, reason.toString()], [4401, 'session ended']);
    assert.deepEqual(await ending.server.closed, [4401, 'session ended']);
    assert.equal(other.ws.readyState, WebSocket.OPEN, 'another session\'s socket stays open');
    const again = encodeURIComponent(tokens.mint('U1', 'S-end').token);
    assert.equal(await attempt(`${base}?token=${again}&vsn=2.0.0`), 403, 'the same token connects no more');
    other.ws.close();
  });

  test('a session ended while its upgrade is being checked is refused', async () => {
    live.add('S-race');
    let started!: () => void;
    let release!: () => void;
    const checking = new Promise<void>((resolve) => (started = resolve));
    held.set('S-race', { started, release: new Promise((resolve) => (release = resolve)) });
    const count = accepted.length;
    const refused = attempt(`${base}?token=${encodeURIComponent(tokens.mint('U1', 'S-race').token)}&vsn=2.0.0`);
    await checking;
    transport.closeSessions(['S-race']); // the store still says live: the read happened before the logout
    release();
    assert.equal(await refused, 403);
    assert.equal(accepted.length, count);
  });

  test('other paths are not upgraded', async () => {
    assert.equal(await attempt(base.replace('/socket/websocket', '/elsewhere') + '?vsn=2.0.0'), 404);
  });

  test('the phoenix.js authToken subprotocol authenticates, and "phoenix" is echoed', async () => {
    const token = tokens.mint('U-sub', 'S1').token;
    // phoenix.js: btoa(token) without "=" (standard alphabet, not base64url)
    const encoded = Buffer.from(token).toString('base64').replace(/=/g, '');
    const ws = new WebSocket(`${base}?vsn=2.0.0`, ['phoenix', `base64url.bearer.phx.${encoded}`]);
    await once(ws, 'open');
    assert.equal(ws.protocol, 'phoenix');
    assert.equal(accepted.at(-1)!.userId, 'U-sub');
    ws.close();
    assert.equal(tokenFromSubprotocols('phoenix, base64url.bearer.phx.' + Buffer.from('a+b/c?').toString('base64url')), 'a+b/c?');
    assert.equal(tokenFromSubprotocols('phoenix'), undefined);
  });

  test('frames reach the handler and sends reach the client', async () => {
    const { ws, server: peer } = await open();
    const reply = once(ws, 'message');
    ws.send('hello');
    assert.equal(String((await reply)[0]), 'echo:hello');
    assert.deepEqual(peer.received, ['hello']);
    ws.close();
    assert.equal((await peer.closed)[0], 1005);
  });

  test('frames sent in one turn arrive in order, all before a close that follows them', async () => {
    const { ws, server: peer } = await open();
    const got: string[] = [];
    ws.on('message', (data) => got.push(String(data)));
    const closed = once(ws, 'close');
    const broadcast = JSON.stringify([null, null, 'room:1', 'msg', { body: '連絡' }]);
    peer.connection.send('first');
    peer.connection.send(broadcast);
    peer.connection.send(Buffer.from('binary'));
    peer.connection.send('last');
    peer.connection.close(4408, 'idle timeout');
    const [code] = await closed;
    assert.equal(code, 4408);
    assert.deepEqual(got, ['first', broadcast, 'binary', 'last']);
  });

  test('a frame over the limit closes with 1009', async () => {
    const { ws, server: peer } = await open();
    ws.send('x'.repeat(LIMITS.maxFrameBytes + 1));
    const [code] = await once(ws, 'close');
    assert.equal(code, 1009);
    await peer.closed; // ws reports 1006 here: it ends the socket without waiting for the client's close frame
  });

  test('a connection silent for the idle timeout is closed with 4408; an active one is not', async () => {
    const quiet = await open();
    const busy = await open();
    time.advance(LIMITS.idleTimeoutMs / 2);
    const echoed = once(busy.ws, 'message');
    busy.ws.send('still here');
    await echoed;
    time.advance(LIMITS.idleTimeoutMs / 2 + LIMITS.idleSweepMs);
    const [code, reason] = await once(quiet.ws, 'close');
    assert.equal(code, 4408);
    assert.equal(String(reason), 'idle timeout');
    assert.equal(busy.ws.readyState, WebSocket.OPEN);
    busy.ws.close();
  });

  test('a slow consumer is terminated once its unsent bytes pass the limit', async () => {
    const { ws, server: peer } = await open();
    await new Promise<void>((resolve) => ws.once('message', () => resolve()).send('x'));
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = 'y'.repeat(512 * 1024);
    for (let i = 0; i < 64 && peer.connection.bufferedAmount <= LIMITS.maxBufferedBytes; i++) peer.connection.send(chunk);
    const [code] = await peer.closed;
    assert.equal(code, 1006, 'terminated without a close frame');
    ws.terminate();
  });

  test('frames queued within one turn count as unsent: a burst past the limit terminates at once', async () => {
    const { ws, server: peer } = await open();
    const chunk = 'z'.repeat(1024 * 1024);
    const under = Math.floor(LIMITS.maxBufferedBytes / chunk.length) - 1;
    for (let i = 0; i < under; i++) peer.connection.send(chunk);
    assert.ok(peer.connection.bufferedAmount >= under * chunk.length, 'what waits for this turn\'s write is counted');
    peer.connection.send(chunk);
    peer.connection.send(chunk);
    assert.equal(peer.connection.bufferedAmount, 0, 'past the limit: terminated, the queue dropped');
    const [code] = await peer.closed;
    assert.equal(code, 1006, 'terminated without a close frame');
    ws.terminate();
  });

  test('close() says 1001 going away to everyone', async () => {
    const other = new WebSocketTransport({ tokens, sessionIsLive, clock: time, timers: time, logger: pino({ level: 'silent' }), accept: () => ({ receive: () => {}, closed: () => {} }) });
    const httpServer = createServer();
    other.attach(httpServer);
    httpServer.listen(0, '127.0.0.1');
    await once(httpServer, 'listening');
    const ws = new WebSocket(`ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/socket/websocket?vsn=2.0.0&token=${encodeURIComponent(tokens.mint('U', 'S1').token)}`);
    await once(ws, 'open');
    const closing = once(ws, 'close');
    await other.close();
    assert.equal((await closing)[0], 1001);
    httpServer.close();
  });
});

test('queryParam reads a parameter as URLSearchParams does', async () => {
  const { queryParam } = await import('../../src/transport/websocket-transport.ts');
  const cases = ['vsn=2.0.0&token=v1.U1.9.abc-_', 'token=a%2Bb%20c&vsn=2.0.0', 'token=a+b&token=second', 'vsn', 'vsn=&x=1', '', 'token=%E3%81%82%ZZ', 'x=1&&token=t=u', 'a%76sn=2.0.0'];
  for (const query of cases) {
    const params = new URLSearchParams(query);
    for (const name of ['vsn', 'token', 'x', 'avsn']) assert.equal(queryParam(query, name), params.get(name), `${name} in "${query}"`);
  }
});
