import { scanMessage } from './message-scan.ts';
import type { Incoming, WireProtocol } from './wire-protocol.ts';

/** `[join_ref, ref, "topic", "event",` — refs are null or decimal strings, topics never quote. */
const HEADER = /^\[(null|"[^"]*"),(null|"[^"]*"),"([^"]*)","([^"]*)",/;
/** Frames at most this long are read whole as latin1 text; longer ones (presence in a big
 *  room) only their head, to find the event. */
const HEAD_BYTES = 2048;

function refNumber(field: string | undefined): number {
  return field === undefined || field === 'null' ? -1 : Number(field.slice(1, -1));
}

/**
 * A minimal Phoenix Channels V2 JSON speaker (see shared/PHOENIX-PROTOCOL.md): joins, pushes,
 * heartbeats; replies matched by ref; `msg` broadcasts scanned without parsing; every other
 * frame (presence_state, presence_diff — large in a big room) classified by its header only.
 */
export const phoenixWire: WireProtocol = {
  name: 'phoenix',
  readyOnOpen: true,
  path: (token) => `/socket/websocket?token=${encodeURIComponent(token)}&vsn=2.0.0`,
  join: (ref, topic, params) => `["${ref}","${ref}",${JSON.stringify(topic)},"phx_join",${JSON.stringify(params)}]`,
  push: (ref, joinRef, topic, body, clientId) =>
    `["${joinRef}","${ref}",${JSON.stringify(topic)},"msg:new",{"body":${JSON.stringify(body)},"client_id":${JSON.stringify(clientId)}}]`,
  heartbeat: (ref) => `[null,"${ref}","phoenix","heartbeat",{}]`,
  decode(data: Buffer): Incoming {
    const text = data.toString('latin1', 0, Math.min(data.length, HEAD_BYTES));
    const m = HEADER.exec(text);
    if (!m) return { kind: 'other', event: 'malformed' };
    const event = m[4] as string;
    if (event === 'msg') {
      const msg = scanMessage(data.length > HEAD_BYTES ? data.toString('latin1') : text, m[0].length);
      if (msg) return { kind: 'delivery', topic: m[3] as string, seq: msg.seq, sentUs: msg.sentUs };
      return { kind: 'other', event: 'msg:foreign' };
    }
    if (event === 'phx_reply' && m[3] === 'phoenix') return { kind: 'other', event: 'heartbeat' };
    if (event === 'phx_reply') {
      const ref = refNumber(m[2]);
      const payload = (JSON.parse(data.toString('utf8')) as unknown[])[4] as { status?: string; response?: Record<string, unknown> };
      return { kind: 'reply', ref, ok: payload.status === 'ok', response: payload.response ?? {} };
    }
    return { kind: 'other', event };
  },
};
