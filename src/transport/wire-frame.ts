import type { EncodedFrame } from '../protocol/frame.ts';

const TEXT = 0x1;
const BINARY = 0x2;
const FIN = 0x80;

/**
 * Turns an encoded frame into the bytes of one unmasked, unfragmented server WebSocket frame
 * (RFC 6455 §5.2: header and payload in ONE Buffer), remembering the last one it made.
 *
 * A broadcast hands the same frame (the same string or Buffer) to every subscriber in one
 * synchronous loop, so with this one-entry memory it is converted to UTF-8 and framed once for
 * all of them — as the raw `ws` floor does with `Sender.frame` — instead of once per socket
 * (`ws.send(string)` re-encodes the string and writes header and payload separately for every
 * socket). One Buffer per frame also makes each socket's write a single `write`, not `writev`.
 */
export class WireFrames {
  private lastFrame: EncodedFrame | undefined;
  private lastBytes: Buffer = Buffer.alloc(0);

  /** The wire bytes of `frame`; the same Buffer for the same frame twice in a row. Never mutate it. */
  bytes(frame: EncodedFrame): Buffer {
    if (frame === this.lastFrame) return this.lastBytes;
    const bytes = typeof frame === 'string' ? encodeText(frame) : encode(BINARY, frame);
    this.lastFrame = frame;
    this.lastBytes = bytes;
    return bytes;
  }
}

function encodeText(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const offset = headerLength(length);
  const out = Buffer.allocUnsafe(offset + length);
  writeHeader(out, TEXT, length);
  out.write(text, offset, length, 'utf8');
  return out;
}

function encode(opcode: number, payload: Buffer): Buffer {
  const offset = headerLength(payload.length);
  const out = Buffer.allocUnsafe(offset + payload.length);
  writeHeader(out, opcode, payload.length);
  payload.copy(out, offset);
  return out;
}

function headerLength(length: number): number {
  if (length < 126) return 2;
  return length < 65_536 ? 4 : 10;
}

function writeHeader(out: Buffer, opcode: number, length: number): void {
  out[0] = FIN | opcode;
  if (length < 126) {
    out[1] = length;
  } else if (length < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
}
