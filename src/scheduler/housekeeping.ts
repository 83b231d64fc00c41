import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../domain/store.ts';
import type { JobScheduler } from './job-scheduler.ts';

/** The built-in jobs and when they run (UTC). Each is an idempotent delete, cheap to repeat. */
export const HOUSEKEEPING = {
  /** Expired sessions no longer authenticate anyone, nor expired account links open anything; deleting them keeps the tables small. */
  sessions: { name: 'housekeeping.sessions', cron: '*/15 * * * *' },
  /** Finished job rows older than `jobHistoryMs`; daily, at a quiet hour. */
  jobs: { name: 'housekeeping.jobs', cron: '17 3 * * *' },
} as const;

/** Registers the store clean-up jobs on a scheduler. */
export function registerHousekeeping(scheduler: JobScheduler, deps: { store: Pick<Store, 'sessions' | 'jobs' | 'accountTokens'>; clock: Clock; logger: Logger }): void {
  const { store, clock, logger } = deps;
  scheduler.register(HOUSEKEEPING.sessions.name, async () => {
    const deleted = await store.sessions.deleteExpired(clock.now());
    // Mailed links that expired (used or not) open nothing: the same sweep removes them.
    const links = await store.accountTokens.deleteExpired(clock.now());
    if (deleted > 0 || links > 0) logger.info({ deleted, links }, 'housekeeping: expired sessions and account links deleted');
  });
  scheduler.every(HOUSEKEEPING.sessions.name, HOUSEKEEPING.sessions.cron);
  scheduler.register(HOUSEKEEPING.jobs.name, async () => {
    const deleted = await store.jobs.prune(clock.now() - LIMITS.jobHistoryMs);
    if (deleted > 0) logger.info({ deleted }, 'housekeeping: old job rows deleted');
  });
  scheduler.every(HOUSEKEEPING.jobs.name, HOUSEKEEPING.jobs.cron);
}
