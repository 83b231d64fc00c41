import { envelopeProblems, replyAddress } from './envelope.ts';
import type { BinaryFrame, ReplyStatus } from './frame.ts';
import { ProtocolError } from './protocol-error.ts';

/** First byte of a binary frame. */
export const BINARY_KINDS = { push: 0, reply: 1, broadcast: 2 } as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Phoenix V2 binary frames, for binary payloads. Each string field is preceded by a one-byte
 * length, so it is at most 255 bytes; the payload is the rest of the frame, never copied on
 * decode (the returned payload is a view into the given buffer).
 *
 * - push, client → server: `0, jr_len, ref_len, topic_len, event_len, jr, ref, topic, event, data`
 * - push, server → client: `0, jr_len, topic_len, event_len, jr, topic, event, data`
 * - reply: `1, jr_len, ref_len, topic_len, status_len, jr, ref, topic, status, data`
 * - broadcast: `2, topic_len, event_len, topic, event, data`
 */
export const binarySerializer = {
  /** A client's push. Throws ProtocolError (as the JSON decoder does) when it is malformed. */
  decodePush(data: Buffer): BinaryFrame {
    if (data.length < 5 || data[0] !== BINARY_KINDS.push) {
      throw new ProtocolError('invalid_frame', 'binary frame must be a push: kind 0 and four length bytes');
    }
    const lengths = [data[1]!, data[2]!, data[3]!, data[4]!];
    const fields: string[] = [];
    let offset = 5;
    for (const length of lengths) {
      if (offset + length > data.length) throw new ProtocolError('invalid_frame', 'binary frame is shorter than its length bytes say');
      try {
        fields.push(utf8.decode(data.subarray(offset, offset + length)));
      } catch {
        throw new ProtocolError('invalid_frame', 'binary frame header is not valid UTF-8');
      }
      offset += length;
    }
    const [joinRefText, refText, topic, event] = fields as [string, string, string, string];
    // An empty ref field is how a binary frame says "no ref".
    const joinRef = joinRefText === '' ? null : joinRefText;
    const ref = refText === '' ? null : refText;
    const problems = envelopeProblems(joinRef, ref, topic, event);
    if (problems.length > 0) throw new ProtocolError('invalid_frame', problems.join('; '), replyAddress(joinRef, ref, topic));
    return { joinRef, ref, topic, event, payload: data.subarray(offset) };
  },

  encodePush(joinRef: string | null, topic: string, event: string, data: Uint8Array): Buffer {
    return frame(BINARY_KINDS.push, [joinRef ?? '', topic, event], data);
  },

  encodeReply(joinRef: string | null, ref: string | null, topic: string, status: ReplyStatus, data: Uint8Array): Buffer {
    return frame(BINARY_KINDS.reply, [joinRef ?? '', ref ?? '', topic, status], data);
  },

  encodeBroadcast(topic: string, event: string, data: Uint8Array): Buffer {
    return frame(BINARY_KINDS.broadcast, [topic, event], data);
  },
};

function frame(kind: number, fields: string[], data: Uint8Array): Buffer {
  const encoded = fields.map((field) => Buffer.from(field, 'utf8'));
  for (const [i, bytes] of encoded.entries()) {
    if (bytes.length > 255) throw new RangeError(`binary frame field ${i} ("${fields[i]!.slice(0, 32)}…") is ${bytes.length} bytes; at most 255 fit`);
  }
  const header = Buffer.allocUnsafe(1 + encoded.length);
  header[0] = kind;
  encoded.forEach((bytes, i) => (header[i + 1] = bytes.length));
  return Buffer.concat([header, ...encoded, data]);
}
