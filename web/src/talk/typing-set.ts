/**
 * Who is typing in a room. A `typing` event marks someone for `ttlMs` (the server throttles
 * them to one per 2 s, so a person still typing is renewed before the mark runs out); their
 * message arriving clears it at once.
 */
export class TypingSet {
  private readonly until = new Map<string, number>();
  private readonly ttlMs: number;

  constructor(ttlMs = 4000) {
    this.ttlMs = ttlMs;
  }

  seen(userId: string, now: number): void {
    this.until.set(userId, now + this.ttlMs);
  }

  stopped(userId: string): boolean {
    return this.until.delete(userId);
  }

  /** Who is typing at `now`, in the order they started; expired marks are dropped. */
  active(now: number): string[] {
    for (const [id, t] of this.until) if (t <= now) this.until.delete(id);
    return [...this.until.keys()];
  }

  /** When the next mark runs out (to schedule one timer), or undefined when none is held. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const t of this.until.values()) if (next === undefined || t < next) next = t;
    return next;
  }
}
