import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32

/**
 * ULIDs: 48-bit millisecond time + 80 random bits, 26 characters, so ids sort by creation
 * time as plain strings. Within one millisecond the random part is incremented, keeping ids
 * from one generator strictly increasing.
 */
export class IdGenerator {
  private lastTime = -1;
  private lastRandom = new Uint8Array(10);
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  next(): string {
    const time = this.now();
    if (time <= this.lastTime) {
      increment(this.lastRandom);
    } else {
      this.lastTime = time;
      this.lastRandom = new Uint8Array(randomBytes(10));
    }
    return encodeTime(this.lastTime) + encodeRandom(this.lastRandom);
  }
}

function increment(bytes: Uint8Array): void {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const v = bytes[i]!;
    if (v < 255) {
      bytes[i] = v + 1;
      return;
    }
    bytes[i] = 0;
  }
}

function encodeTime(time: number): string {
  let out = '';
  let t = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits -> 16 base32 characters, 5 bits at a time.
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31]!;
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** The time part of a ULID, in epoch milliseconds. */
export function ulidTime(id: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + ALPHABET.indexOf(id[i]!);
  return t;
}
