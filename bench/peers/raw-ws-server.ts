/**
 * The floor: a bare `ws` server speaking just enough Phoenix V2 (join, `msg:new`, heartbeat) for
 * the same load generator. A broadcast is serialized once and framed once
 * (`WebSocket.Sender.frame`), and the same frame buffers are handed to every member's sender —
 * what Socket.IO's adapter and engine.io do too. No auth, no store, no presence: what Node.js
 * itself costs per connection and per delivery.
 */
import * as wsModule from 'ws';
import WebSocket, { WebSocketServer } from 'ws';
import { PEER_MAX_BUFFERED, PEER_MAX_FRAME, peerHttpServer } from './peer-http.ts';
import { PeerRooms } from './peer-message.ts';

/** The parts of ws's Sender used here; @types/ws leaves them out (engine.io uses them alike). */
interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } }).Sender;
const senderOf = (ws: WebSocket) => (ws as unknown as { _sender: { sendFrame(frame: Buffer[], cb?: () => void): void } })._sender;
const TEXT = 1;

const rooms = new PeerRooms();
const members = new Map<string, Set<WebSocket>>();
const { server, listen } = peerHttpServer();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: PEER_MAX_FRAME, clientTracking: false });

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/socket/websocket') {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => serve(ws, url.searchParams.get('token') ?? 'anonymous'));
});

function broadcast(topic: string, data: Buffer): void {
  const frame = Sender.frame(data, { fin: true, rsv1: false, opcode: TEXT, mask: false, readOnly: false });
  for (const ws of members.get(topic) ?? []) {
    if (ws.readyState !== WebSocket.OPEN) continue;
    if (ws.bufferedAmount > PEER_MAX_BUFFERED) ws.terminate();
    else senderOf(ws).sendFrame(frame);
  }
}

function serve(ws: WebSocket, user: string): void {
  const joined = new Set<string>();
  ws.on('message', (data) => {
    let frame: unknown;
    try {
      frame = JSON.parse(String(data));
    } catch {
      ws.close(1003, 'malformed');
      return;
    }
    if (!Array.isArray(frame) || frame.length !== 5 || typeof frame[2] !== 'string') return;
    const [joinRef, ref, topic, event, payload] = frame as [unknown, unknown, string, unknown, unknown];
    const reply = (status: 'ok' | 'error', response: object) => ws.send(JSON.stringify([joinRef, ref, topic, 'phx_reply', { status, response }]));
    if (event === 'heartbeat') return reply('ok', {});
    if (event === 'phx_join') {
      let set = members.get(topic);
      if (!set) members.set(topic, (set = new Set()));
      set.add(ws);
      joined.add(topic);
      return reply('ok', { last_seq: rooms.lastSeq(topic) });
    }
    if (event === 'msg:new') {
      if (!joined.has(topic)) return reply('error', { reason: 'not_joined' });
      const msg = rooms.message(topic, user, payload);
      if (!msg) return reply('error', { reason: 'invalid' });
      broadcast(topic, Buffer.from(JSON.stringify([null, null, topic, 'msg', msg])));
      return reply('ok', { id: msg.id, seq: msg.seq, at: msg.at });
    }
    reply('error', { reason: 'unmatched event' });
  });
  ws.on('close', () => {
    for (const topic of joined) members.get(topic)?.delete(ws);
  });
}

listen();
