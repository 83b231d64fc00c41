/**
 * The usual Node.js choice: Socket.IO 4 with the same semantics as Renraku's rooms — `join`
 * a room (ack with its last seq), `pub` to a room (broadcast `msg` to every member, sender
 * included, then ack `{id, seq, at}`). WebSocket transport only, no compression; the adapter
 * encodes each broadcast once. Acks carry Phoenix's `{status, response}` shape.
 */
import { Server } from 'socket.io';
import { PEER_MAX_FRAME, peerHttpServer } from './peer-http.ts';
import { PeerRooms } from './peer-message.ts';

type Ack = (reply: { status: 'ok' | 'error'; response: object }) => void;

const rooms = new PeerRooms();
const { server, listen } = peerHttpServer();
const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false, httpCompression: false, maxHttpBufferSize: PEER_MAX_FRAME });

io.on('connection', (socket) => {
  const token = socket.handshake.query.token;
  const user = typeof token === 'string' ? token : 'anonymous';
  socket.on('join', (topic: unknown, _params: unknown, ack: unknown) => {
    if (typeof topic !== 'string' || typeof ack !== 'function') return;
    void socket.join(topic);
    (ack as Ack)({ status: 'ok', response: { last_seq: rooms.lastSeq(topic) } });
  });
  socket.on('pub', (topic: unknown, payload: unknown, ack: unknown) => {
    if (typeof topic !== 'string' || typeof ack !== 'function') return;
    if (!socket.rooms.has(topic)) return (ack as Ack)({ status: 'error', response: { reason: 'not_joined' } });
    const msg = rooms.message(topic, user, payload);
    if (!msg) return (ack as Ack)({ status: 'error', response: { reason: 'invalid' } });
    io.to(topic).emit('msg', msg);
    (ack as Ack)({ status: 'ok', response: { id: msg.id, seq: msg.seq, at: msg.at } });
  });
});

listen();
