import { sql, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool, type Updateable } from 'kysely';
import type {
  Claim, ClaimedJob, FinishResult, JobOutcome, JobRecord, JobRepository,
} from '../../scheduler/job-repository.ts';
import type { Database, JobsTable } from './schema.ts';
import type { StoreDatabase } from './store-database.ts';

const JOB_COLUMNS = [
  'name', 'key', 'recurring', 'fire_at', 'payload', 'version', 'status', 'attempts', 'claimed_by', 'lease_until',
  'last_error', 'created_at', 'finished_at',
] as const;

type JobRow = Selectable<JobsTable>;
type JobsExpressions = ExpressionBuilder<Database, 'jobs'>;

function toRecord(row: JobRow): JobRecord {
  return {
    name: row.name,
    key: row.key,
    recurring: row.recurring === 1,
    fireAt: row.fire_at,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    version: row.version,
    status: row.status,
    attempts: row.attempts,
    claimedBy: row.claimed_by,
    leaseUntil: row.lease_until,
    lastError: row.last_error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

function toClaimed(row: JobRow, claim: Claim): ClaimedJob {
  const { name, key, recurring, fireAt, payload, attempts, version } = toRecord(row);
  return { name, key, recurring, fireAt, payload, attempts, version, claimedBy: claim.by };
}

/** Pending, due, and free: never leased, or the lease (or retry delay) has ended. */
function claimable(names: readonly string[], now: number) {
  return (eb: JobsExpressions): Expression<SqlBool> =>
    eb.and([
      eb('status', '=', 'pending'),
      eb('fire_at', '<=', now),
      eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]),
      eb('name', 'in', names),
    ]);
}

/** The row of this claim: the fence of every write after claiming. */
function heldBy(job: ClaimedJob) {
  return (eb: JobsExpressions): Expression<SqlBool> =>
    eb.and([eb('name', '=', job.name), eb('key', '=', job.key), eb('claimed_by', '=', job.claimedBy)]);
}

function outcomeColumns(outcome: JobOutcome, now: number): Updateable<JobsTable> {
  switch (outcome.status) {
    case 'done':
      return { status: 'done', finished_at: now, claimed_by: null, lease_until: null, last_error: null };
    case 'failed':
      return { status: 'failed', finished_at: now, claimed_by: null, lease_until: null, last_error: outcome.error };
    case 'retry':
      return { claimed_by: null, lease_until: outcome.retryAt, last_error: outcome.error };
  }
}

/**
 * Jobs on both dialects, without transactions: every state change is one statement, atomic
 * on its own (SQLite's single writer; on PostgreSQL the row lock, after which the WHERE is
 * checked again on the row's newest version). A new cron occurrence is claimed by its insert
 * (ON CONFLICT DO NOTHING: the loser gets no row); anything else by one conditional UPDATE,
 * whose subquery picks the rows: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so concurrent
 * claimers take disjoint rows instead of queueing behind each other.
 */
export class KyselyJobRepository implements JobRepository {
  private readonly db: Kysely<Database>;
  private readonly supportsForUpdate: boolean;

  constructor(database: StoreDatabase) {
    this.db = database.db;
    this.supportsForUpdate = database.supportsForUpdate;
  }

  async schedule(job: { name: string; key: string; runAt: number; payload: Record<string, unknown> }, now: number): Promise<void> {
    await this.db
      .insertInto('jobs')
      .values({
        name: job.name, key: job.key, recurring: 0, fire_at: job.runAt, payload: JSON.stringify(job.payload), version: 1,
        status: 'pending', attempts: 0, claimed_by: null, lease_until: null, last_error: null, created_at: now, finished_at: null,
      })
      .onConflict((oc) =>
        oc
          .columns(['name', 'key'])
          .doUpdateSet((eb) => ({
            fire_at: eb.ref('excluded.fire_at'),
            payload: eb.ref('excluded.payload'),
            version: eb('jobs.version', '+', 1),
            status: 'pending',
            attempts: 0,
            last_error: null,
            finished_at: null,
            // A retry delay (unclaimed lease) belongs to the old version; a running claim stays.
            lease_until: sql<number | null>`case when ${sql.ref('jobs.claimed_by')} is null then null else ${sql.ref('jobs.lease_until')} end`,
          }))
          .where('jobs.recurring', '=', 0),
      )
      .execute();
  }

  async cancel(name: string, key: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('jobs')
      .where('name', '=', name)
      .where('key', '=', key)
      .where('recurring', '=', 0)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async find(name: string, key: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('jobs').select(JOB_COLUMNS).where('name', '=', name).where('key', '=', key).executeTakeFirst();
    return row && toRecord(row);
  }

  async lastOccurrence(name: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.max('fire_at').as('last'))
      .where('name', '=', name)
      .where('recurring', '=', 1)
      .executeTakeFirst();
    return row?.last === null || row?.last === undefined ? undefined : Number(row.last);
  }

  async claimOccurrence(name: string, fireAt: number, claim: Claim): Promise<ClaimedJob | undefined> {
    const row = await this.db
      .insertInto('jobs')
      .values({
        name, key: new Date(fireAt).toISOString(), recurring: 1, fire_at: fireAt, payload: '{}', version: 1, status: 'pending',
        attempts: 1, claimed_by: claim.by, lease_until: claim.leaseUntil, last_error: null, created_at: claim.now, finished_at: null,
      })
      .onConflict((oc) => oc.columns(['name', 'key']).doNothing())
      .returning(JOB_COLUMNS)
      .executeTakeFirst();
    return row && toClaimed(row, claim);
  }

  async claimDue(names: readonly string[], claim: Claim, limit: number): Promise<ClaimedJob[]> {
    if (names.length === 0 || limit <= 0) return [];
    const due = claimable(names, claim.now);
    const rows = await this.db
      .updateTable('jobs')
      .set((eb) => ({ claimed_by: claim.by, lease_until: claim.leaseUntil, attempts: eb('attempts', '+', 1) }))
      .where((eb) => {
        const picked = eb.selectFrom('jobs').select(['name', 'key']).where(due).orderBy('fire_at').orderBy('name').orderBy('key').limit(limit);
        return eb(eb.refTuple('name', 'key'), 'in', (this.supportsForUpdate ? picked.forUpdate().skipLocked() : picked).$asTuple('name', 'key'));
      })
      .where(due)
      .returning(JOB_COLUMNS)
      .execute();
    return rows.map((row) => toClaimed(row, claim)).sort((a, b) => a.fireAt - b.fireAt);
  }

  async renew(claimedBy: readonly string[], leaseUntil: number): Promise<number> {
    if (claimedBy.length === 0) return 0;
    const result = await this.db
      .updateTable('jobs')
      .set({ lease_until: leaseUntil })
      .where('claimed_by', 'in', claimedBy)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** The outcome applies only to the version claimed; a rescheduled job just loses the claim. */
  async finish(job: ClaimedJob, outcome: JobOutcome, now: number): Promise<FinishResult> {
    const result = await this.db
      .updateTable('jobs')
      .set(outcomeColumns(outcome, now))
      .where(heldBy(job))
      .where('version', '=', job.version)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return 'recorded';
    return (await this.clearClaim(job)) ? 'superseded' : 'lost';
  }

  async release(job: ClaimedJob): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set((eb) => ({ claimed_by: null, lease_until: null, attempts: eb('attempts', '-', 1) }))
      .where(heldBy(job))
      .where('version', '=', job.version)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n || this.clearClaim(job);
  }

  /** Keeps the newest occurrence of each recurring job: where its schedule resumes after a restart. */
  async prune(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('jobs')
      .where('status', 'in', ['done', 'failed'])
      .where('finished_at', '<', before)
      .where((eb) =>
        eb.or([
          eb('recurring', '=', 0),
          eb(
            'fire_at',
            '<',
            eb.selectFrom('jobs as latest').select((l) => l.fn.max('latest.fire_at').as('last')).whereRef('latest.name', '=', 'jobs.name').where('latest.recurring', '=', 1),
          ),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async clearClaim(job: ClaimedJob): Promise<boolean> {
    const result = await this.db.updateTable('jobs').set({ claimed_by: null, lease_until: null }).where(heldBy(job)).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
