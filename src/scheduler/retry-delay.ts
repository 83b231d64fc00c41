/**
 * The wait before retrying after the `attempt`-th failure (1-based): `baseMs` doubling each
 * time, never above `maxMs`. No jitter: a claimed occurrence is retried by one node only.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
