import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import {
  OUTBOX_STATUSES, type ClaimOptions, type MailBounce, type NewOutboxRow, type OutboxRepository, type OutboxRow, type OutboxStatus, type Settlement,
} from '../../mail/outbox-repository.ts';
import { chunk } from './insert-in-chunks.ts';
import type { Database, OutboxTable } from './schema.ts';
import type { StoreDatabase } from './store-database.ts';

const OUTBOX_COLUMNS = [
  'id', 'message_key', 'user_id', 'recipient', 'from_address', 'reply_to', 'subject', 'text_body', 'html_body', 'headers',
  'message_id', 'status', 'attempts', 'next_attempt_at', 'lease_until', 'claimed_by', 'last_error', 'created_at', 'sent_at',
] as const;

const BOUNCE_COLUMNS = ['outbox_id', 'user_id', 'recipient', 'code', 'detail', 'created_at'] as const;

function toOutboxRow(row: Omit<Selectable<OutboxTable>, 'recipient_lower'>): OutboxRow {
  const { headers, ...rest } = row;
  return { ...rest, headers: JSON.parse(headers) as Record<string, string> };
}

function toInsert({ account_mail: _account, ...row }: NewOutboxRow): Insertable<OutboxTable> {
  return {
    ...row,
    recipient_lower: row.recipient.toLowerCase(),
    headers: JSON.stringify(row.headers),
    status: 'queued',
    attempts: 0,
    next_attempt_at: row.created_at,
  };
}

/** The columns a settlement writes; the claim's lease ends with it. */
function settledColumns(settlement: Settlement): Updateable<OutboxTable> {
  switch (settlement.status) {
    case 'sent':
      return { status: 'sent', sent_at: settlement.at, lease_until: null };
    case 'queued':
      return { status: 'queued', next_attempt_at: settlement.nextAttemptAt, last_error: settlement.error, lease_until: null, claimed_by: null };
    case 'failed':
      return { status: 'failed', last_error: settlement.error, lease_until: null };
    case 'bounced':
      return { status: 'bounced', last_error: settlement.detail, lease_until: null };
  }
}

/** Records a bounce of one outbox row; false when one was recorded before (the first is kept). */
async function insertBounce(
  trx: Transaction<Database>,
  outboxId: string,
  row: { user_id: string | null; recipient: string },
  bounce: { code: number; detail: string; at: number },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('mail_bounces')
    .values({ outbox_id: outboxId, user_id: row.user_id, recipient: row.recipient, code: bounce.code, detail: bounce.detail, created_at: bounce.at })
    .onConflict((oc) => oc.column('outbox_id').doNothing())
    .returning('outbox_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Inserts outbox rows within `trx` — the outbox's own enqueue, or another repository's
 * transaction that commits mail together with the change it tells of — in multi-row INSERTs
 * that skip existing (message_key, recipient) pairs; returns how many were new.
 */
export async function insertOutboxRows(trx: Transaction<Database>, given: readonly NewOutboxRow[], maxParameters: number): Promise<number> {
  const rows = await withoutUnverified(trx, given);
  if (rows.length === 0) return 0;
  const values = rows.map(toInsert);
  const perRow = Object.keys(values[0]!).length;
  let inserted = 0;
  for (const part of chunk(values, Math.floor(maxParameters / perRow))) {
    const ids = await trx
      .insertInto('outbox')
      .values(part)
      .onConflict((oc) => oc.columns(['message_key', 'recipient_lower']).doNothing())
      .returning('id')
      .execute();
    inserted += ids.length;
  }
  return inserted;
}

/** Ids per lookup of unverified members: far below either dialect's bound parameters. */
const MEMBER_LOOKUP_CHUNK = 1000;

/**
 * The rows but those, other than account mail, for a member whose address is not verified: such an
 * address gets verification mail only (0008-accounts). Read in the inserting transaction, so a
 * verification that commits first is seen.
 */
async function withoutUnverified(trx: Transaction<Database>, rows: readonly NewOutboxRow[]): Promise<readonly NewOutboxRow[]> {
  const members = [...new Set(rows.filter((r) => r.user_id !== null && r.account_mail !== true).map((r) => r.user_id!))];
  if (members.length === 0) return rows;
  const unverified = new Set<string>();
  for (const part of chunk(members, MEMBER_LOOKUP_CHUNK)) {
    const found = await trx.selectFrom('users').select('id').where('id', 'in', part).where('email_verified_at', 'is', null).execute();
    for (const r of found) unverified.add(r.id);
  }
  return unverified.size === 0 ? rows : rows.filter((r) => r.account_mail === true || r.user_id === null || !unverified.has(r.user_id));
}

/**
 * The outbox on both dialects. Claiming is one conditional UPDATE per kind of due row, whose
 * rows a MATERIALIZED CTE picks: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so concurrent
 * claimers take disjoint rows instead of queueing behind each other; on SQLite the single
 * writer makes each statement atomic. Materialized, because PostgreSQL may run a plain
 * `IN (SELECT … LIMIT n)` subquery more than once per statement and so update more than n
 * rows. The outer WHERE repeats the due condition, so a row another claimer took in the
 * meantime is never taken twice.
 */
export class KyselyOutboxRepository implements OutboxRepository {
  private readonly db: Kysely<Database>;
  private readonly maxParameters: number;
  private readonly supportsForUpdate: boolean;

  constructor(database: StoreDatabase) {
    this.db = database.db;
    this.maxParameters = database.maxParameters;
    this.supportsForUpdate = database.supportsForUpdate;
  }

  /** One transaction, multi-row INSERTs that skip existing (message_key, recipient) pairs. */
  async enqueue(rows: NewOutboxRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.db.transaction().execute((trx) => insertOutboxRows(trx, rows, this.maxParameters));
  }

  /** Expired leases first (a crashed dispatcher's rows have waited longest), then queued rows by due time. */
  async claim({ claimer, now, leaseUntil, limit }: ClaimOptions): Promise<OutboxRow[]> {
    const taken: OutboxRow[] = [];
    for (const [status, dueColumn] of [['sending', 'lease_until'], ['queued', 'next_attempt_at']] as const) {
      const want = limit - taken.length;
      if (want <= 0) break;
      const rows = await this.db
        .with((cte) => cte('due').materialized(), (db) => {
          const due = db
            .selectFrom('outbox')
            .select('id')
            .where('status', '=', status)
            .where(dueColumn, '<=', now)
            .orderBy(dueColumn)
            .orderBy('id')
            .limit(want);
          return this.supportsForUpdate ? due.forUpdate().skipLocked() : due;
        })
        .updateTable('outbox')
        .set((eb) => ({ status: 'sending', claimed_by: claimer, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
        .where('status', '=', status)
        .where(dueColumn, '<=', now)
        .returning(OUTBOX_COLUMNS)
        .execute();
      taken.push(...rows.map(toOutboxRow));
    }
    return taken.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async settle(claimer: string, settlements: Settlement[]): Promise<Set<string>> {
    const held = new Set<string>();
    if (settlements.length === 0) return held;
    await this.db.transaction().execute(async (trx) => {
      for (const settlement of settlements) {
        const row = await trx
          .updateTable('outbox')
          .set(settledColumns(settlement))
          .where('id', '=', settlement.id)
          .where('claimed_by', '=', claimer)
          .where('status', '=', 'sending')
          .returning(['id', 'user_id', 'recipient'])
          .executeTakeFirst();
        if (row === undefined) continue;
        held.add(row.id);
        if (settlement.status === 'bounced') await insertBounce(trx, row.id, row, settlement);
      }
    });
    return held;
  }

  async release(ids: string[], claimer: string, nextAttemptAt: number): Promise<number> {
    let released = 0;
    for (const part of chunk(ids, this.maxParameters - 2)) {
      const result = await this.db
        .updateTable('outbox')
        .set((eb) => ({ status: 'queued', attempts: eb('attempts', '-', 1), next_attempt_at: nextAttemptAt, lease_until: null, claimed_by: null }))
        .where('id', 'in', part)
        .where('claimed_by', '=', claimer)
        .where('status', '=', 'sending')
        .executeTakeFirst();
      released += Number(result.numUpdatedRows);
    }
    return released;
  }

  /** Two MIN()s, each answered from its partial index. */
  async nextDueAt(): Promise<number | undefined> {
    const queued = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('status', '=', 'queued')
      .executeTakeFirst();
    const leased = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.min('lease_until').as('at'))
      .where('status', '=', 'sending')
      .executeTakeFirst();
    const times = [queued?.at, leased?.at].filter((t): t is number => t !== null && t !== undefined).map(Number);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  async find(id: string): Promise<OutboxRow | undefined> {
    const row = await this.db.selectFrom('outbox').select(OUTBOX_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && toOutboxRow(row);
  }

  async listByMessageKey(messageKey: string): Promise<OutboxRow[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(OUTBOX_COLUMNS)
      .where('message_key', '=', messageKey)
      .orderBy('recipient_lower')
      .execute();
    return rows.map(toOutboxRow);
  }

  async countByStatus(): Promise<Record<OutboxStatus, number>> {
    const rows = await this.db
      .selectFrom('outbox')
      .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const counts = Object.fromEntries(OUTBOX_STATUSES.map((s) => [s, 0])) as Record<OutboxStatus, number>;
    for (const { status, n } of rows) counts[status] = Number(n);
    return counts;
  }

  async recordBounce(outboxId: string, bounce: { code: number; detail: string; at: number }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('outbox').select(['user_id', 'recipient']).where('id', '=', outboxId).executeTakeFirst();
      return row !== undefined && insertBounce(trx, outboxId, row, bounce);
    });
  }

  async listBounces(userId: string): Promise<MailBounce[]> {
    return this.db
      .selectFrom('mail_bounces')
      .select(BOUNCE_COLUMNS)
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('outbox_id', 'desc')
      .execute();
  }

  async countBounces(userId: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('mail_bounces')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
