import type { BusMessage } from './bus.ts';

/**
 * How a BusMessage travels over a network bus: one Buffer
 * `[version=1][flags][node_id_len][node_id][seq: f64 BE, if flagged][sent at: f64 BE, if flagged][frame bytes]`.
 * Flags: 1 the frame is binary (a Buffer), else UTF-8 text; 2 a seq follows the node id;
 * 4 the publisher's wall-clock time of publishing (epoch ms) follows, for the receive-lag metric.
 * The node id lets a node skip its own publishes. Pure: no I/O.
 */
const VERSION = 1;
const BINARY = 1;
const HAS_SEQ = 2;
const HAS_SENT_AT = 4;

export interface BusEnvelope {
  readonly nodeId: string;
  readonly message: BusMessage;
  /** When the publisher published it (its wall clock, epoch ms), if it said. */
  readonly sentAt?: number;
}

export function encodeEnvelope(nodeId: string, message: BusMessage, sentAt?: number): Buffer {
  const node = Buffer.from(nodeId, 'latin1');
  if (node.length === 0 || node.length > 255) throw new Error(`bus: node id must be 1 to 255 bytes (got ${node.length})`);
  const binary = Buffer.isBuffer(message.frame);
  const hasSeq = message.seq !== undefined;
  const hasSentAt = sentAt !== undefined;
  const head = Buffer.allocUnsafe(3 + node.length + (hasSeq ? 8 : 0) + (hasSentAt ? 8 : 0));
  head[0] = VERSION;
  head[1] = (binary ? BINARY : 0) | (hasSeq ? HAS_SEQ : 0) | (hasSentAt ? HAS_SENT_AT : 0);
  head[2] = node.length;
  node.copy(head, 3);
  let offset = 3 + node.length;
  if (hasSeq) {
    head.writeDoubleBE(message.seq as number, offset);
    offset += 8;
  }
  if (hasSentAt) head.writeDoubleBE(sentAt, offset);
  const body = binary ? (message.frame as Buffer) : Buffer.from(message.frame as string, 'utf8');
  return Buffer.concat([head, body]);
}

/** Throws on anything that is not an envelope of this version. */
export function decodeEnvelope(data: Buffer): BusEnvelope {
  if (data.length < 4 || data[0] !== VERSION) throw new Error(`bus: not a version ${VERSION} envelope`);
  const flags = data[1] as number;
  if ((flags & ~(BINARY | HAS_SEQ | HAS_SENT_AT)) !== 0) throw new Error(`bus: unknown envelope flags ${flags}`);
  const nodeLength = data[2] as number;
  let offset = 3 + nodeLength;
  if (nodeLength === 0 || data.length < offset) throw new Error('bus: truncated envelope (node id)');
  const nodeId = data.toString('latin1', 3, offset);
  let seq: number | undefined;
  if (flags & HAS_SEQ) {
    if (data.length < offset + 8) throw new Error('bus: truncated envelope (seq)');
    seq = data.readDoubleBE(offset);
    offset += 8;
    if (!Number.isSafeInteger(seq) || seq < 0) throw new Error(`bus: bad seq ${seq}`);
  }
  let sentAt: number | undefined;
  if (flags & HAS_SENT_AT) {
    if (data.length < offset + 8) throw new Error('bus: truncated envelope (sent at)');
    sentAt = data.readDoubleBE(offset);
    offset += 8;
    if (!Number.isFinite(sentAt)) throw new Error(`bus: bad sent-at time ${sentAt}`);
  }
  const body = data.subarray(offset);
  const frame = flags & BINARY ? Buffer.from(body) : body.toString('utf8');
  const message: BusMessage = seq === undefined ? { frame } : { frame, seq };
  return sentAt === undefined ? { nodeId, message } : { nodeId, message, sentAt };
}
