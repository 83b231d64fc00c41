/** A fixed-window budget: at most `points` attempts per key in `durationMs`, counted from the first. */
export interface AttemptPolicy {
  /** Names the counter (a key prefix in the store; a metric label). */
  readonly name: string;
  readonly points: number;
  readonly durationMs: number;
}

export interface AttemptVerdict {
  /** False once the key has spent its points in the current window. */
  readonly allowed: boolean;
  /** When refused: how long until the window ends and the key may try again (0 when allowed). */
  readonly retryAfterMs: number;
}

/**
 * Counts attempts per key under one policy. Cluster-wide when the counters live in Redis (every
 * node sees the same counts), per node in memory. Counting is atomic per key; `check` then
 * `consume` is not, so a burst of concurrent attempts can overshoot the budget by its width.
 */
export interface AttemptLimiter {
  readonly policy: AttemptPolicy;
  /** Whether the key may try now, without counting an attempt. */
  check(key: string): Promise<AttemptVerdict>;
  /** Counts one attempt; refused when this attempt is beyond the budget. */
  consume(key: string): Promise<AttemptVerdict>;
  /** Forgets the key's attempts (e.g. a successful sign-in clears the account's failures). */
  reset(key: string): Promise<void>;
}

/** Makes one limiter per policy over a shared counter store; `close` releases that store. */
export interface AttemptLimiters {
  create(policy: AttemptPolicy): AttemptLimiter;
  close(): Promise<void>;
}
