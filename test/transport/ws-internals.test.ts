/**
 * The `ws` private fields websocket-transport.ts relies on (src/transport/ws-internals.ts),
 * checked against a real connection of the installed `ws`: when an upgrade renames one or
 * changes what it means, a test here fails and names the field.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Socket, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { closeFrameReceived, rawSocket, senderIdle } from '../../src/transport/ws-internals.ts';
import { WireFrames } from '../../src/transport/wire-frame.ts';

/** What `close()` saw of `_closeFrameReceived` each time `ws` (or the test) called it. */
const closeCalls: Array<{ code: number | undefined; closeFrameReceived: boolean }> = [];

/** Like the transport's ReasonedWebSocket: `ws` builds one per upgrade and calls its `close` itself. */
class WatchedWebSocket extends WebSocket {
  override close(code?: number, reason?: string | Buffer): void {
    closeCalls.push({ code, closeFrameReceived: closeFrameReceived(this) });
    super.close(code, reason);
  }
}

function field(ws: WebSocket, path: string): unknown {
  let value: unknown = ws;
  for (const name of path.split('.')) value = (value as Record<string, unknown> | null | undefined)?.[name];
  return value;
}

describe('ws private fields used by the WebSocket transport', () => {
  let wss: WebSocketServer;
  let url: string;

  before(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, maxPayload: 64, WebSocket: WatchedWebSocket });
    await once(wss, 'listening');
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  /** A connected pair: the server's side (the one the transport holds) and a client. */
  async function connect(): Promise<{ server: WebSocket; client: WebSocket }> {
    const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(url);
    const [[server]] = await Promise.all([accepted, once(client, 'open')]);
    return { server, client };
  }

  async function closed(pair: { server: WebSocket; client: WebSocket }): Promise<void> {
    const gone = Promise.all([pair.server, pair.client].map((ws) => (ws.readyState === ws.CLOSED ? undefined : once(ws, 'close'))));
    pair.client.terminate();
    await gone;
  }

  test('ws is pinned to the exact version these fields were checked against', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    const installed = (createRequire(import.meta.url)('ws/package.json') as { version: string }).version;
    assert.equal(pkg.dependencies.ws, installed,
      `package.json must pin ws to exactly the installed ${installed} (not a range): the transport reads its private fields`);
  });

  test('_sender._state is a number, 0 while idle and not 0 while ws queues a frame of its own', async () => {
    const pair = await connect();
    const state = field(pair.server, '_sender._state');
    assert.equal(typeof state, 'number', `ws changed: WebSocket#_sender._state is ${typeof state}, not a number (ws-internals.ts senderIdle)`);
    assert.equal(senderIdle(pair.server), true, 'ws changed: WebSocket#_sender._state is not 0 on an idle connection');
    // A Blob is read asynchronously: ws queues everything sent meanwhile (state GET_BLOB_DATA).
    const received = once(pair.client, 'message');
    pair.server.send(new Blob(['from a blob']));
    assert.equal(senderIdle(pair.server), false, 'ws changed: WebSocket#_sender._state stays 0 while the Sender is reading a Blob');
    const [data] = await received;
    assert.equal(String(data), 'from a blob');
    assert.equal(senderIdle(pair.server), true, 'ws changed: WebSocket#_sender._state does not return to 0 once the Sender is done');
    await closed(pair);
  });

  test('_socket is the net.Socket under the WebSocket: frames written to it (corked too) arrive in order', async () => {
    const pair = await connect();
    const socket = field(pair.server, '_socket');
    assert.ok(socket instanceof Socket, 'ws changed: WebSocket#_socket is not the net.Socket under the connection (ws-internals.ts rawSocket)');
    const frames = new WireFrames();
    const messages: string[] = [];
    pair.client.on('message', (data: WebSocket.RawData) => messages.push(String(data)));
    const three = new Promise<void>((resolve) => pair.client.on('message', () => messages.length === 3 && resolve()));
    const raw = rawSocket(pair.server);
    assert.equal(raw, socket, 'ws changed: WebSocket#_socket is not what ws-internals.ts rawSocket returns');
    raw.write(frames.bytes('one'));
    raw.cork();
    raw.write(frames.bytes('two'));
    raw.write(frames.bytes('three'));
    raw.uncork();
    await three;
    assert.deepEqual(messages, ['one', 'two', 'three']);
    await closed(pair);
  });

  test('_closeFrameReceived is false while open and true when ws echoes the peer\'s close frame', async () => {
    const pair = await connect();
    const flag = field(pair.server, '_closeFrameReceived');
    assert.equal(typeof flag, 'boolean', `ws changed: WebSocket#_closeFrameReceived is ${typeof flag}, not a boolean (ws-internals.ts closeFrameReceived)`);
    assert.equal(closeFrameReceived(pair.server), false, 'ws changed: WebSocket#_closeFrameReceived is not false on an open connection');
    closeCalls.length = 0;
    const done = once(pair.server, 'close');
    pair.client.close(4000, 'bye');
    await done;
    assert.deepEqual(closeCalls, [{ code: 4000, closeFrameReceived: true }],
      'ws changed: its echo of a peer\'s close frame no longer calls close() with WebSocket#_closeFrameReceived set');
  });

  test('_closeFrameReceived is false when ws closes on its own (a frame over maxPayload)', async () => {
    const pair = await connect();
    const refused = once(pair.server, 'error'); // ws reports the oversized frame, then closes
    closeCalls.length = 0;
    // Not once(…, 'close'): that rejects on the 'error' this close comes with.
    const done = new Promise((resolve) => pair.server.once('close', resolve));
    pair.client.send('x'.repeat(65));
    const [[err]] = await Promise.all([refused, done]) as [[Error], unknown];
    assert.match(err.message, /Max payload size exceeded/);
    assert.deepEqual(closeCalls, [{ code: 1009, closeFrameReceived: false }],
      'ws changed: its own close for a frame over maxPayload no longer calls close(1009) with WebSocket#_closeFrameReceived unset');
  });
});
