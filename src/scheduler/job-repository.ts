/**
 * The jobs table as the scheduler sees it: no driver types; implemented once with Kysely for
 * SQLite and PostgreSQL (src/adapters/store/job-repository.ts).
 *
 * One row per occurrence. A one-off job is the row (name, caller's key); an occurrence of a
 * recurring job is the row (name, fire time in ISO 8601), inserted by the node that claims it,
 * so the primary key (name, key) is the unique (job, fire_time) that makes it run once.
 *
 * A row is claimable while `pending`, due, and not leased (no lease, or the lease has ended).
 * Claiming writes `claimed_by` (a token unique to that claim) and a lease; every later write
 * of the claim requires the row to still carry that token, so a node whose claim was taken
 * over changes nothing.
 */
export type JobStatus = 'pending' | 'done' | 'failed';

/** Who claims, when, and until when the claim holds. */
export interface Claim {
  /** `<node id>#<n>`: unique per claim, and the fence of every later write. */
  by: string;
  now: number;
  leaseUntil: number;
}

/** A claimed occurrence, as the scheduler runs it. */
export interface ClaimedJob {
  name: string;
  /** One-off: the caller's key; recurring: the fire time in ISO 8601. */
  key: string;
  recurring: boolean;
  /** When the occurrence was due (a one-off job's run time; a cron occurrence's fire time). */
  fireAt: number;
  payload: Record<string, unknown>;
  /** Counting this claim: 1 at first, one more per retry or takeover. */
  attempts: number;
  /** A one-off job's version when claimed: rescheduling during the run makes a new one. */
  version: number;
  claimedBy: string;
}

/** What became of a run. `retry`: claimable again, by any node, from `retryAt`. */
export type JobOutcome =
  | { status: 'done' }
  | { status: 'failed'; error: string }
  | { status: 'retry'; retryAt: number; error: string };

/**
 * `recorded`: the outcome is stored. `superseded`: the job was rescheduled while it ran; the
 * claim is cleared and the new version stays pending. `lost`: the claim was taken over or the
 * job cancelled; nothing changed.
 */
export type FinishResult = 'recorded' | 'superseded' | 'lost';

/** A row as stored, for operators and tests. */
export interface JobRecord {
  name: string;
  key: string;
  recurring: boolean;
  fireAt: number;
  payload: Record<string, unknown>;
  version: number;
  status: JobStatus;
  attempts: number;
  claimedBy: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  createdAt: number;
  finishedAt: number | null;
}

export interface JobRepository {
  /**
   * Upsert of a one-off job, pending and due at `runAt`: an existing (name, key) gets the new
   * due time and payload, a new version and a fresh attempt count, whatever its status (a
   * finished job is armed again). A run in progress keeps its claim; its outcome then counts
   * for nothing (`superseded`).
   */
  schedule(job: { name: string; key: string; runAt: number; payload: Record<string, unknown> }, now: number): Promise<void>;
  /** Deletes a pending one-off job (even one running now: its outcome is then not recorded). */
  cancel(name: string, key: string): Promise<boolean>;
  find(name: string, key: string): Promise<JobRecord | undefined>;
  /** The fire time of the latest stored occurrence of a recurring job. */
  lastOccurrence(name: string): Promise<number | undefined>;
  /** Inserts the occurrence already claimed; undefined when it exists (another node has it). */
  claimOccurrence(name: string, fireAt: number, claim: Claim): Promise<ClaimedJob | undefined>;
  /**
   * Claims up to `limit` claimable rows of these job names, earliest due first: one-off jobs
   * that came due, retries whose delay ended, and claims whose lease expired. Atomic: two
   * claimers never get the same row while its lease holds.
   */
  claimDue(names: readonly string[], claim: Claim, limit: number): Promise<ClaimedJob[]>;
  /** Extends the leases of the pending rows held by these claims; returns how many. */
  renew(claimedBy: readonly string[], leaseUntil: number): Promise<number>;
  finish(job: ClaimedJob, outcome: JobOutcome, now: number): Promise<FinishResult>;
  /** Gives the claim up unfinished (stopping): claimable at once, the attempt given back. */
  release(job: ClaimedJob): Promise<boolean>;
  /** Deletes rows finished before `before`, except each recurring job's latest occurrence. */
  prune(before: number): Promise<number>;
}
