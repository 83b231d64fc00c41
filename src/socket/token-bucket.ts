/**
 * A token bucket: `burst` tokens at first, refilled continuously at `refillPerSecond`. `take`
 * spends one token when there is one; otherwise it spends nothing and says how long until one
 * is there. Time comes from `now`, so tests move it by hand.
 */
export class TokenBucket {
  private readonly burst: number;
  private readonly perMs: number;
  private readonly now: () => number;
  private tokens: number;
  private updatedAt: number;

  constructor(opts: { burst: number; refillPerSecond: number; now: () => number }) {
    if (!(opts.burst >= 1) || !(opts.refillPerSecond > 0)) {
      throw new RangeError(`TokenBucket: burst must be ≥ 1 and refillPerSecond > 0 (got ${opts.burst}, ${opts.refillPerSecond})`);
    }
    this.burst = opts.burst;
    this.perMs = opts.refillPerSecond / 1000;
    this.now = opts.now;
    this.tokens = opts.burst;
    this.updatedAt = opts.now();
  }

  /** 0 when a token was taken; otherwise the milliseconds until the next one (≥ 1). */
  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perMs));
  }
}
