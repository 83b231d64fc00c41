import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import { systemTimers, type Clock, type Timers } from '../domain/clock.ts';
import { dueOccurrences, parseCron, type CronSchedule } from './cron-occurrences.ts';
import type { Claim, ClaimedJob, JobOutcome, JobRepository } from './job-repository.ts';
import type { JobHandler, JobScheduler } from './job-scheduler.ts';
import { retryDelayMs } from './retry-delay.ts';

export interface SchedulerDeps {
  /** The store; the scheduler uses only its jobs. */
  store: { readonly jobs: JobRepository };
  clock: Clock;
  logger: Logger;
  /** This process, unique in the cluster: every claim names it. */
  nodeId: string;
  /** For the poll loop and stop()'s grace period. */
  timers?: Timers;
}

/**
 * A recurring job on this node. Its first poll starts from the latest occurrence stored, when
 * that is older than the registration (the cluster was down: the latest missed occurrence
 * runs), else from the registration (occurrences other nodes already hold are skipped by
 * their unique key); later polls from where the previous one stopped.
 */
interface Recurring {
  cron: CronSchedule;
  /** Every occurrence up to here is handled (claimed, here or elsewhere, or skipped); undefined before the first poll. */
  checkedUntil: number | undefined;
  registeredAt: number;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, LIMITS.jobMaxErrorChars);
}

/**
 * The durable scheduler (see job-scheduler.ts for the contract). Every node runs one; they
 * share nothing but the jobs table. A poll claims what is due and starts it without waiting:
 * a cron occurrence by inserting its (name, fire time) row, anything else (one-off jobs,
 * retries, expired claims) by a conditional update. The fire time is the cron occurrence's,
 * not the node's clock, so nodes whose clocks are a few seconds apart compute the same keys
 * and exactly one insert wins. Each poll also renews the leases of the handlers still running
 * here, so only a crashed or stalled node's claim expires and is taken over.
 */
export class Scheduler implements JobScheduler {
  private readonly jobs: JobRepository;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly nodeId: string;
  private readonly timers: Timers;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly recurring = new Map<string, Recurring>();
  /** Handlers running on this node, by claim. */
  private readonly running = new Map<ClaimedJob, Promise<void>>();
  private claims = 0;
  /** The claim pass in progress: passes never overlap. */
  private pass: Promise<unknown> = Promise.resolve();
  private pollTimer: unknown;
  private state: 'idle' | 'started' | 'stopped' = 'idle';

  constructor(deps: SchedulerDeps) {
    this.jobs = deps.store.jobs;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.nodeId = deps.nodeId;
    this.timers = deps.timers ?? systemTimers;
  }

  register(name: string, handler: JobHandler): void {
    if (name === '') throw new Error('a job name must not be empty');
    if (this.handlers.has(name)) throw new Error(`job "${name}" already has a handler; registered: ${[...this.handlers.keys()].join(', ')}`);
    this.handlers.set(name, handler);
  }

  /** Register the handler first. Occurrences after now run (and, after an outage, the latest missed one). */
  every(name: string, cron: string, opts: { timezone?: string } = {}): void {
    if (!this.handlers.has(name)) throw new Error(`job "${name}" has no handler: register() it before every()`);
    if (this.recurring.has(name)) throw new Error(`job "${name}" is already recurring; recurring: ${[...this.recurring.keys()].join(', ')}`);
    this.recurring.set(name, { cron: parseCron(name, cron, opts.timezone ?? 'UTC'), checkedUntil: undefined, registeredAt: this.clock.now() });
  }

  async schedule(name: string, key: string, runAt: number, payload: Record<string, unknown> = {}): Promise<void> {
    if (this.recurring.has(name)) throw new Error(`job "${name}" is recurring (every()); one-off jobs need a name of their own`);
    if (!Number.isSafeInteger(runAt)) throw new Error(`job "${name}": runAt must be epoch milliseconds, got ${runAt}`);
    await this.jobs.schedule({ name, key, runAt, payload }, this.clock.now());
  }

  async cancel(name: string, key: string): Promise<boolean> {
    return this.jobs.cancel(name, key);
  }

  /**
   * Runs everything due now and resolves when those handlers are done (including jobs they
   * made due now). For tests and tools; a started scheduler polls on its own.
   */
  async tick(): Promise<void> {
    if (this.state === 'stopped') throw new Error('scheduler is stopped');
    for (;;) {
      const started = await this.claimPass();
      if (started.length === 0) return;
      await Promise.all(started);
    }
  }

  /** Polls every `jobPollMs` until stop(). */
  start(): void {
    if (this.state !== 'idle') throw new Error(`scheduler cannot start: it is ${this.state}`);
    this.state = 'started';
    this.poll();
  }

  /**
   * Stops polling and waits for the handlers running here, at most `jobStopGraceMs`; the
   * claims of those still running then are released, so another node takes them over at
   * once (their eventual outcome is not recorded). Idempotent.
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    if (this.pollTimer !== undefined) this.timers.clearTimeout(this.pollTimer);
    let graceTimer: unknown;
    const grace = new Promise<void>((resolve) => {
      graceTimer = this.timers.setTimeout(resolve, LIMITS.jobStopGraceMs);
    });
    await this.pass;
    await Promise.race([Promise.allSettled(this.running.values()), grace]);
    this.timers.clearTimeout(graceTimer);
    const unfinished = [...this.running.keys()];
    if (unfinished.length === 0) return;
    this.logger.warn({ jobs: unfinished.map((j) => `${j.name}/${j.key}`) }, 'scheduler: stopping with handlers still running; their claims are released');
    await Promise.all(unfinished.map((job) => this.jobs.release(job).catch((err: unknown) => {
      this.logger.error({ err, job: job.name, key: job.key }, 'scheduler: could not release a claim; it is taken over when its lease ends');
    })));
  }

  private poll(): void {
    this.claimPass()
      .catch((err: unknown) => this.logger.error({ err }, 'scheduler: poll failed; trying again at the next one'))
      .finally(() => {
        if (this.state === 'started') this.pollTimer = this.timers.setTimeout(() => this.poll(), LIMITS.jobPollMs);
      });
  }

  /** One pass at a time; resolves to the handlers it started. */
  private claimPass(): Promise<Array<Promise<void>>> {
    const pass = this.pass.then(() => this.claimAndStart());
    this.pass = pass.catch(() => undefined);
    return pass;
  }

  /** Claims what is due and starts it; what was claimed before a store error still starts. */
  private async claimAndStart(): Promise<Array<Promise<void>>> {
    if (this.state === 'stopped') return [];
    const now = this.clock.now();
    this.claims += 1;
    const claim: Claim = { by: `${this.nodeId}#${this.claims}`, now, leaseUntil: now + LIMITS.jobLeaseMs };
    const claimed: ClaimedJob[] = [];
    let failure: { error: unknown } | undefined;
    try {
      await this.jobs.renew([...new Set([...this.running.keys()].map((j) => j.claimedBy))], claim.leaseUntil);
      await this.claimDue(claim, claimed);
    } catch (error) {
      failure = { error };
    }
    const started = claimed.map((job) => {
      const done = this.run(job).finally(() => this.running.delete(job));
      this.running.set(job, done);
      return done;
    });
    if (failure) throw failure.error;
    return started;
  }

  /** Cron occurrences first (each by its insert), then everything else that is due. */
  private async claimDue(claim: Claim, into: ClaimedJob[]): Promise<void> {
    for (const [name, job] of this.recurring) {
      const after = job.checkedUntil ?? Math.min((await this.jobs.lastOccurrence(name)) ?? Infinity, job.registeredAt);
      for (const fireAt of dueOccurrences(job.cron, after, claim.now, LIMITS.jobCatchUpMs)) {
        const won = await this.jobs.claimOccurrence(name, fireAt, claim);
        if (won) into.push(won);
        job.checkedUntil = fireAt;
      }
      job.checkedUntil = Math.max(after, claim.now);
    }
    into.push(...(await this.jobs.claimDue([...this.handlers.keys()], claim, LIMITS.jobClaimBatch)));
  }

  /** Never rejects: every outcome is recorded (or, when the store fails, logged). */
  private async run(job: ClaimedJob): Promise<void> {
    const context = { job: job.name, key: job.key, fireAt: job.fireAt, attempt: job.attempts };
    const outcome = await this.attempt(job, context);
    try {
      const result = await this.jobs.finish(job, outcome, this.clock.now());
      if (result === 'lost') this.logger.warn(context, 'scheduler: the claim was taken over or cancelled before the job finished; outcome not recorded');
    } catch (err) {
      this.logger.error({ ...context, err }, 'scheduler: could not record a job outcome; it runs again when the lease ends');
    }
  }

  private async attempt(job: ClaimedJob, context: Record<string, unknown>): Promise<JobOutcome> {
    const max = LIMITS.jobMaxAttempts;
    const handler = this.handlers.get(job.name);
    if (handler === undefined || job.attempts > max) {
      const error = handler === undefined ? `no handler for job "${job.name}" on this node` : `no outcome after ${max} attempts: the last claim expired unfinished`;
      this.logger.error({ ...context, error }, 'scheduler: job failed for good');
      return { status: 'failed', error };
    }
    try {
      await handler({ name: job.name, key: job.recurring ? '' : job.key, payload: job.payload, fireAt: job.fireAt });
      return { status: 'done' };
    } catch (err) {
      const error = errorText(err);
      if (job.attempts >= max) {
        this.logger.error({ ...context, err }, `scheduler: job failed ${max} times; recorded as failed`);
        return { status: 'failed', error };
      }
      const retryAt = this.clock.now() + retryDelayMs(job.attempts, LIMITS.jobRetryBaseMs, LIMITS.jobRetryMaxMs);
      this.logger.warn({ ...context, err, retryAt }, 'scheduler: job failed; it will be retried');
      return { status: 'retry', retryAt, error };
    }
  }
}
