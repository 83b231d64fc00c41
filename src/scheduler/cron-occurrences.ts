import { Cron } from 'croner';

/** The part of croner's Cron these functions use: the first occurrence strictly after a time. */
export interface CronSchedule {
  nextRun(after: Date): Date | null;
}

/**
 * A cron expression (croner syntax: 5 fields, or 6 with seconds first) in an IANA time zone.
 * Throws, naming the job, when either is invalid.
 */
export function parseCron(job: string, expression: string, timezone: string): CronSchedule {
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone, paused: true });
    cron.nextRun(); // an unknown time zone is only noticed here
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `job "${job}": invalid schedule "${expression}" in time zone "${timezone}": ${reason} ` +
      `(valid: 5 fields "min hour day month weekday" or 6 with seconds first, and an IANA zone such as "UTC" or "Asia/Tokyo")`,
      { cause: error },
    );
  }
  return { nextRun: (after) => cron.nextRun(after) };
}

function next(cron: CronSchedule, after: number): number | undefined {
  const at = cron.nextRun(new Date(after));
  return at === null ? undefined : at.getTime();
}

/** The latest occurrence in (after, until], found by bisection: a few dozen steps for any span. */
function latestIn(cron: CronSchedule, after: number, until: number): number | undefined {
  const first = next(cron, after);
  if (first === undefined || first > until) return undefined;
  // Invariant: some occurrence lies in (lo, until]; none lies in (hi, until].
  let lo = after;
  let hi = until;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const found = next(cron, mid);
    if (found !== undefined && found <= until) lo = mid;
    else hi = mid;
  }
  return next(cron, lo);
}

/**
 * The occurrences a poll at `now` runs, oldest first, given that everything up to `after` was
 * handled: every occurrence in (after, now] within `catchUpMs` of now, and, when none is that
 * recent but older ones were missed, only the latest of those. So a late poll misses nothing,
 * while an outage of the whole cluster runs a job once, not once per missed occurrence.
 */
export function dueOccurrences(cron: CronSchedule, after: number, now: number, catchUpMs: number): number[] {
  if (after >= now) return [];
  const windowStart = Math.max(after, now - catchUpMs);
  const due: number[] = [];
  for (let at = next(cron, windowStart); at !== undefined && at <= now; at = next(cron, at)) due.push(at);
  if (due.length > 0 || windowStart === after) return due;
  const latest = latestIn(cron, after, windowStart);
  return latest === undefined ? [] : [latest];
}
