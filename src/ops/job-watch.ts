import type { Clock } from '../domain/clock.ts';
import type { Claim, ClaimedJob, JobOutcome, JobRepository } from '../scheduler/job-repository.ts';
import { intercept } from './intercept.ts';

/** One job name's runs on this node since it started (`diag jobs`). */
export interface JobSummary {
  name: string;
  runs: number;
  done: number;
  failed: number;
  retried: number;
  /** Claimed here and not finished yet. */
  running: number;
  lastStatus: JobOutcome['status'] | null;
  lastFinishedAt: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
}

export type JobFinished = (name: string, outcome: JobOutcome['status'], seconds: number) => void;

/**
 * Watches the scheduler through the jobs repository it is given: a claim starts a run, a
 * recorded outcome ends it. The scheduler is left as it is; what it does is seen where it
 * touches the store, so runs, failures and durations are counted exactly once per outcome.
 */
export class JobWatch {
  private readonly clock: Clock;
  private readonly onFinished: JobFinished;
  private readonly started = new Map<string, number>();
  private readonly summaries = new Map<string, JobSummary>();

  constructor(deps: { clock: Clock; onFinished?: JobFinished }) {
    this.clock = deps.clock;
    this.onFinished = deps.onFinished ?? (() => {});
  }

  /** The repository to hand the scheduler. */
  observe(jobs: JobRepository): JobRepository {
    return intercept(jobs, {
      claimOccurrence: async (name: string, fireAt: number, claim: Claim) => {
        const job = await jobs.claimOccurrence(name, fireAt, claim);
        if (job) this.claimed(job, claim.now);
        return job;
      },
      claimDue: async (names: readonly string[], claim: Claim, limit: number) => {
        const claimed = await jobs.claimDue(names, claim, limit);
        for (const job of claimed) this.claimed(job, claim.now);
        return claimed;
      },
      finish: async (job: ClaimedJob, outcome: JobOutcome, now: number) => {
        const result = await jobs.finish(job, outcome, now);
        this.finished(job, outcome, now);
        return result;
      },
      release: async (job: ClaimedJob) => {
        this.started.delete(runKey(job));
        const summary = this.summary(job.name);
        summary.running = Math.max(0, summary.running - 1);
        return jobs.release(job);
      },
    });
  }

  list(): JobSummary[] {
    return [...this.summaries.values()].map((s) => ({ ...s })).sort((a, b) => a.name.localeCompare(b.name));
  }

  private claimed(job: ClaimedJob, at: number): void {
    this.started.set(runKey(job), at);
    this.summary(job.name).running += 1;
  }

  private finished(job: ClaimedJob, outcome: JobOutcome, now: number): void {
    const key = runKey(job);
    const startedAt = this.started.get(key) ?? now;
    this.started.delete(key);
    const summary = this.summary(job.name);
    const ms = Math.max(0, now - startedAt);
    summary.running = Math.max(0, summary.running - 1);
    summary.runs += 1;
    if (outcome.status === 'done') summary.done += 1;
    else if (outcome.status === 'failed') summary.failed += 1;
    else summary.retried += 1;
    summary.lastStatus = outcome.status;
    summary.lastFinishedAt = this.clock.now();
    summary.lastDurationMs = ms;
    summary.lastError = outcome.status === 'done' ? null : outcome.error;
    this.onFinished(job.name, outcome.status, ms / 1000);
  }

  private summary(name: string): JobSummary {
    let summary = this.summaries.get(name);
    if (!summary) {
      summary = { name, runs: 0, done: 0, failed: 0, retried: 0, running: 0, lastStatus: null, lastFinishedAt: null, lastDurationMs: null, lastError: null };
      this.summaries.set(name, summary);
    }
    return summary;
  }
}

function runKey(job: ClaimedJob): string {
  return `${job.claimedBy}\u0000${job.name}\u0000${job.key}`;
}
