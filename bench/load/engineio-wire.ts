import { scanMessage } from './message-scan.ts';
import type { Incoming, WireProtocol } from './wire-protocol.ts';

const PING = 0x32; // '2'
const OPEN = 0x30; // '0'
const MESSAGE = 0x34; // '4'
const EVENT_MSG = Buffer.from('42["msg",');

/**
 * An Engine.IO v4 / Socket.IO v5 speaker over WebSocket only: answers the open packet `0` with a
 * connect `40`, pings `2` with pongs `3`; joins and pushes are events with acks
 * (`42<id>["join",topic]`, `43<id>[reply]`); `msg` broadcasts are scanned without parsing.
 * The Socket.IO peer acks with the same `{status, response}` shape Phoenix replies carry.
 */
export const engineioWire: WireProtocol = {
  name: 'engineio',
  readyOnOpen: false,
  path: (token) => `/socket.io/?EIO=4&transport=websocket&token=${encodeURIComponent(token)}`,
  join: (ref, topic, params) => `42${ref}["join",${JSON.stringify(topic)},${JSON.stringify(params)}]`,
  push: (ref, _joinRef, topic, body, clientId) =>
    `42${ref}["pub",${JSON.stringify(topic)},{"body":${JSON.stringify(body)},"client_id":${JSON.stringify(clientId)}}]`,
  heartbeat: () => null,
  decode(data: Buffer): Incoming {
    const first = data[0];
    if (first === PING && data.length === 1) return { kind: 'answer', frame: '3' };
    if (first === OPEN) return { kind: 'answer', frame: '40' };
    if (first !== MESSAGE) return { kind: 'other', event: `eio:${String.fromCharCode(first ?? 0x3f)}` };
    const type = data[1];
    if (type === 0x30) return { kind: 'ready' }; // 40{sid}
    if (type === 0x32 && data.subarray(0, EVENT_MSG.length).equals(EVENT_MSG)) {
      const msg = scanMessage(data.toString('latin1'), EVENT_MSG.length);
      if (msg) return { kind: 'delivery', topic: `room:${msg.roomId}`, seq: msg.seq, sentUs: msg.sentUs };
      return { kind: 'other', event: 'msg:foreign' };
    }
    if (type === 0x33) {
      const text = data.toString('utf8');
      const open = text.indexOf('[');
      const ref = Number(text.slice(2, open));
      const reply = (JSON.parse(text.slice(open)) as unknown[])[0] as { status?: string; response?: Record<string, unknown> } | undefined;
      return { kind: 'reply', ref, ok: reply?.status === 'ok', response: reply?.response ?? {} };
    }
    return { kind: 'other', event: `sio:${String.fromCharCode(type ?? 0x3f)}` };
  },
};
