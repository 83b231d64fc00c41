/**
 * What the rest of the server sees of the durable scheduler (implemented in scheduler.ts).
 * Jobs live in the store, so they survive restarts; each occurrence runs once in the whole
 * cluster (claimed with a unique (job, fire_time) key and a lease; an expired lease is taken
 * over). Handlers must be idempotent: after a crash an occurrence may run again.
 */
export interface JobContext {
  /** The job kind, e.g. 'announcement.send'. */
  name: string;
  /** For one-off jobs the caller's key (e.g. the announcement id); for cron jobs ''. */
  key: string;
  payload: Record<string, unknown>;
  /** When this occurrence was due (epoch ms). */
  fireAt: number;
}

export type JobHandler = (job: JobContext) => Promise<void>;

export interface JobScheduler {
  /** The handler for a job kind; one per name. Registering twice throws. */
  register(name: string, handler: JobHandler): void;
  /** A recurring job from a cron expression (croner syntax), in `timezone` (default UTC). */
  every(name: string, cron: string, opts?: { timezone?: string }): void;
  /**
   * A one-off job due at `runAt`. Idempotent per (name, key): scheduling again replaces the due
   * time and payload of an occurrence that has not run yet.
   */
  schedule(name: string, key: string, runAt: number, payload?: Record<string, unknown>): Promise<void>;
  /** Cancels a one-off job that has not run yet; true when there was one. */
  cancel(name: string, key: string): Promise<boolean>;
}
