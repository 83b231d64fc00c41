/**
 * Microseconds on the machine's monotonic clock (CLOCK_MONOTONIC, shared by every process), so
 * a send time written by one worker process is comparable with a receive time read in another:
 * one clock, one machine, no clock skew in latencies.
 */
export function nowUs(): number {
  const [s, ns] = process.hrtime();
  return s * 1_000_000 + Math.floor(ns / 1000);
}
