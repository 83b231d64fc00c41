import type { Clock } from '../domain/clock.ts';

/** Entries kept before old ones are swept; a sweep is O(entries) and runs at most this often. */
const SWEEP_AT = 10_000;

/**
 * At most one `typing` broadcast per user per room per window, across all of this node's
 * sockets. `allow` records the time when it says yes.
 */
export class TypingThrottle {
  private readonly clock: Clock;
  private readonly windowMs: number;
  private readonly last = new Map<string, number>();

  constructor(clock: Clock, windowMs: number) {
    this.clock = clock;
    this.windowMs = windowMs;
  }

  allow(roomId: string, userId: string): boolean {
    const now = this.clock.now();
    const key = `${roomId}\n${userId}`;
    const at = this.last.get(key);
    if (at !== undefined && now - at < this.windowMs) return false;
    if (this.last.size >= SWEEP_AT) this.sweep(now);
    this.last.set(key, now);
    return true;
  }

  private sweep(now: number): void {
    for (const [key, at] of this.last) if (now - at >= this.windowMs) this.last.delete(key);
  }
}
