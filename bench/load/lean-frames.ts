import { randomFillSync } from 'node:crypto';

/** RFC 6455 opcodes the generator meets. */
export const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** Masking keys and handshake keys are cut from a pool of random bytes refilled 4 KB at a
 *  time: one call into OpenSSL per 4 KB instead of one per frame or connection (a call costs
 *  microseconds in a busy worker). */
const randomPool = Buffer.allocUnsafe(4096);
let randomAt = randomPool.length;

/** `n` (≤ 4096) fresh random bytes; valid until the pool is refilled. */
export function randomFromPool(n: number): Buffer {
  if (randomAt + n > randomPool.length) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  const bytes = randomPool.subarray(randomAt, randomAt + n);
  randomAt += n;
  return bytes;
}

function nextMask(): Buffer {
  return randomFromPool(4);
}

/** One masked client frame (FIN set) carrying `payload` (a text is written as UTF-8). */
export function clientFrame(opcode: number, payload: string | Buffer): Buffer {
  const len = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + 4 + len);
  frame[0] = 0x80 | opcode;
  if (head === 2) frame[1] = 0x80 | len;
  else if (head === 4) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    frame.writeUInt32BE(len >>> 0, 6);
  }
  const mask = nextMask();
  mask.copy(frame, head);
  const at = head + 4;
  if (typeof payload === 'string') frame.write(payload, at, 'utf8');
  else payload.copy(frame, at);
  for (let i = 0; i < len; i++) frame[at + i] = (frame[at + i] as number) ^ (mask[i & 3] as number);
  return frame;
}

/** What a FrameReader reports: a whole message, or a control frame. */
export interface FrameHandler {
  /** a text or binary message (fragments joined); `payload` is valid only during the call */
  message(payload: Buffer): void;
  control(opcode: number, payload: Buffer): void;
}

/**
 * Reads server frames (unmasked, RFC 6455 §5.2) from a byte stream fed in chunks of any size.
 * Chunks may be a buffer the caller reuses: whatever must outlive `push` (a frame's unread
 * tail, fragments of a message) is copied. Throws on what a server must not send.
 */
export class FrameReader {
  private tail: Buffer | null = null;
  private fragments: Buffer[] | null = null;
  private fragmentBytes = 0;

  constructor(
    private readonly handler: FrameHandler,
    private readonly maxPayload: number,
  ) {}

  push(chunk: Buffer): void {
    const buf = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = null;
    let at = 0;
    for (;;) {
      const avail = buf.length - at;
      if (avail < 2) break;
      const b0 = buf[at] as number;
      const b1 = buf[at + 1] as number;
      if (b1 & 0x80) throw new Error('the server sent a masked frame');
      let len = b1 & 0x7f;
      let head = 2;
      if (len === 126) {
        if (avail < 4) break;
        len = buf.readUInt16BE(at + 2);
        head = 4;
      } else if (len === 127) {
        if (avail < 10) break;
        len = buf.readUInt32BE(at + 2) * 2 ** 32 + buf.readUInt32BE(at + 6);
        head = 10;
      }
      if (len > this.maxPayload) throw new Error(`frame of ${len} bytes exceeds ${this.maxPayload}`);
      if (avail < head + len) break;
      const payload = buf.subarray(at + head, at + head + len);
      at += head + len;
      this.frame(b0, payload);
    }
    if (at < buf.length) this.tail = Buffer.from(buf.subarray(at));
  }

  private frame(b0: number, payload: Buffer): void {
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if (opcode >= 0x8) {
      if (!fin) throw new Error('fragmented control frame');
      this.handler.control(opcode, payload);
      return;
    }
    if (opcode === OPCODE.continuation) {
      if (!this.fragments) throw new Error('continuation frame without a message');
      this.fragments.push(Buffer.from(payload));
      this.fragmentBytes += payload.length;
      if (this.fragmentBytes > this.maxPayload) throw new Error(`message exceeds ${this.maxPayload} bytes`);
      if (fin) {
        const whole = Buffer.concat(this.fragments);
        this.fragments = null;
        this.handler.message(whole);
      }
      return;
    }
    if (opcode !== OPCODE.text && opcode !== OPCODE.binary) throw new Error(`unknown opcode ${opcode}`);
    if (this.fragments) throw new Error('a new message began inside a fragmented one');
    if (fin) this.handler.message(payload);
    else {
      this.fragments = [Buffer.from(payload)];
      this.fragmentBytes = payload.length;
    }
  }
}
