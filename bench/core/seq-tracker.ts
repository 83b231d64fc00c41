import type { SeqRange } from './seq-ranges.ts';

export interface SeqCheck {
  /** expected seqs never received */
  missing: number;
  /** received seqs outside the expected set (e.g. a push whose ack timed out) */
  unexpected: number;
}

/**
 * What one client received on one room: a bitset of seqs above the room's seq at join time
 * (`offset`), so duplicates are caught as they arrive and gaps when checked against what the
 * publishers had acknowledged. Costs one bit per message.
 */
export class SeqTracker {
  private bits = new Uint8Array(16);
  /** highest seq seen; 0 = none */
  private high = 0;
  received = 0;
  duplicates = 0;
  /** seqs at or below the offset: sent before this client joined, should never come */
  stale = 0;

  constructor(public offset: number) {}

  /** Records a seq; false when it was already received (a duplicate). */
  add(seq: number): boolean {
    const i = seq - this.offset - 1;
    if (i < 0) {
      this.stale++;
      return false;
    }
    const byte = i >> 3;
    if (byte >= this.bits.length) {
      let size = this.bits.length * 2;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (i & 7);
    if ((this.bits[byte] as number) & mask) {
      this.duplicates++;
      return false;
    }
    this.bits[byte] = (this.bits[byte] as number) | mask;
    this.received++;
    if (seq > this.high) this.high = seq;
    return true;
  }

  has(seq: number): boolean {
    const i = seq - this.offset - 1;
    if (i < 0) return false;
    return (((this.bits[i >> 3] ?? 0) >> (i & 7)) & 1) === 1;
  }

  /** The highest seq such that every seq from offset+1 to it was received: a client's honest
   *  `last_seq` when it reconnects. */
  contiguous(): number {
    let seq = this.offset;
    while (seq < this.high && this.has(seq + 1)) seq++;
    return seq;
  }

  /** Compares what arrived with the expected set; seqs at or below the offset are not expected. */
  check(expected: readonly SeqRange[]): SeqCheck {
    let missing = 0;
    let inRange = 0;
    for (const [from, to] of expected) {
      for (let s = Math.max(from, this.offset + 1); s <= to; s++) {
        if (this.has(s)) inRange++;
        else missing++;
      }
    }
    return { missing, unexpected: this.received - inRange };
  }
}
