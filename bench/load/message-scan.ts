/**
 * The body every benchmark message carries, `bench|<send time µs>|<tag>|xxx…`, and a scanner
 * that reads a delivered message's room, seq and send time straight from the frame text.
 * Deliveries are the load generator's hot path (hundreds of thousands a second on the same two
 * cores as the server): a latin1 view and three `indexOf`s cost about a third of `JSON.parse`.
 * Only ASCII is read (keys, digits, ULIDs), so latin1 decoding is exact for what matters.
 */
const ROOM_KEY = '"room_id":"';
const SEQ_KEY = '"seq":';
const BODY_KEY = '"body":"bench|';

export interface ScannedMessage {
  roomId: string;
  seq: number;
  sentUs: number;
}

/** A body of about `bytes` characters stamped with the send time. */
export function benchBody(sentUs: number, tag: string, bytes: number): string {
  const head = `bench|${sentUs}|${tag}|`;
  return bytes > head.length ? head + 'x'.repeat(bytes - head.length) : head;
}

function readUint(text: string, at: number): number {
  let n = 0;
  let i = at;
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return i === at ? -1 : n;
}

/** Reads the message object at or after `from` in a frame's latin1 text; undefined when it is
 *  not one of ours. */
export function scanMessage(text: string, from: number): ScannedMessage | undefined {
  const r = text.indexOf(ROOM_KEY, from);
  const s = text.indexOf(SEQ_KEY, from);
  const b = text.indexOf(BODY_KEY, from);
  if (r < 0 || s < 0 || b < 0) return undefined;
  const roomStart = r + ROOM_KEY.length;
  const roomEnd = text.indexOf('"', roomStart);
  const seq = readUint(text, s + SEQ_KEY.length);
  const sentUs = readUint(text, b + BODY_KEY.length);
  if (roomEnd < 0 || seq < 0 || sentUs < 0) return undefined;
  return { roomId: text.slice(roomStart, roomEnd), seq, sentUs };
}
