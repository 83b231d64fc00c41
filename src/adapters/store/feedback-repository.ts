import type { Kysely, Selectable } from 'kysely';
import {
  OPEN_JOIN_STATUSES,
  type BouncePolicy, type BounceStanding, type DsnEvent, type DsnOutcome, type FeedbackRepository, type JoinRequest, type JoinRequestStatus, type MailReply,
} from '../../mail/feedback/feedback-repository.ts';
import { chunk } from './insert-in-chunks.ts';
import type { Database } from './schema.ts';
import type { StoreDatabase } from './store-database.ts';
import { isUniqueViolation } from './unique-violation.ts';

/** The tables of migration 0006, declared here so the shared schema.ts stays as it is. */
type FeedbackTables = {
  mail_bounce_standings: { user_id: string; score_halves: number; last_raised_at: number | null; paused_at: number | null; updated_at: number };
  mail_dsn_events: { mail_id: string; outbox_id: string; user_id: string; severity: 'hard' | 'soft'; status: string; created_at: number };
  mail_reply_tokens: { token: string; announcement_id: string; user_id: string; created_at: number };
  mail_replies: MailReply;
  mail_join_requests: JoinRequest & { address_lower: string };
  mail_join_policies: { group_id: string; joins_directly: number; updated_at: number };
};

type Db = Kysely<Database & FeedbackTables>;

const OPEN_REQUEST_KEY = { index: 'mail_join_requests_open_key', table: 'mail_join_requests', columns: ['group_id', 'address_lower'] } as const;
const JOIN_COLUMNS = ['id', 'group_id', 'address', 'status', 'source_mail_id', 'user_id', 'created_at', 'confirmed_at', 'decided_at', 'decided_by'] as const;
const REPLY_COLUMNS = ['mail_id', 'announcement_id', 'user_id', 'outcome', 'choice', 'comment', 'error', 'received_at'] as const;
/** Half points per DSN: hard 1 point, soft 0.5. */
const HALVES = { hard: 2, soft: 1 } as const;

function standing(row: Selectable<FeedbackTables['mail_bounce_standings']>): BounceStanding {
  return { user_id: row.user_id, score: Number(row.score_halves) / 2, last_raised_at: row.last_raised_at, paused_at: row.paused_at };
}

/**
 * Mail feedback on both dialects. Every change that races (a score rising, a request moving
 * on) is one conditional statement, so two nodes processing at once cannot both win: the
 * score rises only `WHERE last_raised_at` is old enough, mail pauses only `WHERE paused_at IS
 * NULL`, a request moves only from the states named.
 */
export class KyselyFeedbackRepository implements FeedbackRepository {
  private readonly db: Db;
  private readonly maxParameters: number;

  constructor(database: StoreDatabase) {
    this.db = database.db.withTables<FeedbackTables>();
    this.maxParameters = database.maxParameters;
  }

  async recordDsn(event: DsnEvent, policy: BouncePolicy): Promise<DsnOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('mail_dsn_events')
        .values({ mail_id: event.mail_id, outbox_id: event.outbox_id, user_id: event.user_id, severity: event.severity, status: event.status, created_at: event.at })
        .onConflict((oc) => oc.columns(['mail_id', 'outbox_id']).doNothing())
        .returning('mail_id')
        .executeTakeFirst();
      await trx
        .insertInto('mail_bounce_standings')
        .values({ user_id: event.user_id, score_halves: 0, last_raised_at: null, paused_at: null, updated_at: event.at })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      const current = async (): Promise<BounceStanding> =>
        standing(await trx.selectFrom('mail_bounce_standings').selectAll().where('user_id', '=', event.user_id).executeTakeFirstOrThrow());
      if (inserted === undefined) return { recorded: false, raised: false, newlyPaused: false, standing: await current() };
      const raised = await trx
        .updateTable('mail_bounce_standings')
        .set((eb) => ({ score_halves: eb('score_halves', '+', HALVES[event.severity]), last_raised_at: event.at, updated_at: event.at }))
        .where('user_id', '=', event.user_id)
        .where((eb) => eb.or([eb('last_raised_at', 'is', null), eb('last_raised_at', '<=', event.at - policy.minRaiseIntervalMs)]))
        .returning(['score_halves', 'paused_at'])
        .executeTakeFirst();
      let newlyPaused = false;
      if (raised !== undefined && raised.paused_at === null && Number(raised.score_halves) >= policy.threshold * 2) {
        const paused = await trx
          .updateTable('mail_bounce_standings')
          .set({ paused_at: event.at })
          .where('user_id', '=', event.user_id)
          .where('paused_at', 'is', null)
          .returning('user_id')
          .executeTakeFirst();
        newlyPaused = paused !== undefined;
      }
      return { recorded: true, raised: raised !== undefined, newlyPaused, standing: await current() };
    });
  }

  async standings(userIds: readonly string[]): Promise<BounceStanding[]> {
    const out: BounceStanding[] = [];
    for (const part of chunk(userIds, this.maxParameters)) {
      const rows = await this.db.selectFrom('mail_bounce_standings').selectAll().where('user_id', 'in', part).execute();
      out.push(...rows.map(standing));
    }
    return out;
  }

  async pausedAmong(userIds: readonly string[]): Promise<Set<string>> {
    const paused = new Set<string>();
    for (const part of chunk(userIds, this.maxParameters)) {
      if (part.length === 0) continue;
      const rows = await this.db.selectFrom('mail_bounce_standings').select('user_id').where('user_id', 'in', part).where('paused_at', 'is not', null).execute();
      for (const row of rows) paused.add(row.user_id);
    }
    return paused;
  }

  async unpause(userId: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('mail_bounce_standings')
      .set({ paused_at: null, score_halves: 0, updated_at: at })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('paused_at', 'is not', null), eb('score_halves', '>', 0)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async decay(cutoff: number): Promise<number> {
    const result = await this.db
      .updateTable('mail_bounce_standings')
      .set({ score_halves: 0 })
      .where('score_halves', '>', 0)
      .where('paused_at', 'is', null)
      .where('last_raised_at', '<=', cutoff)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async putReplyTokens(rows: readonly { token: string; announcement_id: string; user_id: string; created_at: number }[]): Promise<void> {
    for (const part of chunk(rows, Math.max(1, Math.floor(this.maxParameters / 4)))) {
      if (part.length === 0) continue;
      await this.db.insertInto('mail_reply_tokens').values(part).onConflict((oc) => oc.doNothing()).execute();
    }
  }

  async findReplyToken(token: string): Promise<{ announcement_id: string; user_id: string } | undefined> {
    return this.db.selectFrom('mail_reply_tokens').select(['announcement_id', 'user_id']).where('token', '=', token).executeTakeFirst();
  }

  async recordReply(reply: MailReply): Promise<boolean> {
    const inserted = await this.db.insertInto('mail_replies').values(reply).onConflict((oc) => oc.column('mail_id').doNothing()).returning('mail_id').executeTakeFirst();
    return inserted !== undefined;
  }

  async findReply(mailId: string): Promise<MailReply | undefined> {
    return this.db.selectFrom('mail_replies').select(REPLY_COLUMNS).where('mail_id', '=', mailId).executeTakeFirst();
  }

  async listReplies(announcementId: string): Promise<MailReply[]> {
    return this.db.selectFrom('mail_replies').select(REPLY_COLUMNS).where('announcement_id', '=', announcementId).orderBy('received_at').orderBy('mail_id').execute();
  }

  async openJoinRequest(request: JoinRequest): Promise<{ request: JoinRequest; created: boolean }> {
    const existing = async (): Promise<JoinRequest | undefined> =>
      (await this.db.selectFrom('mail_join_requests').select(JOIN_COLUMNS).where('source_mail_id', '=', request.source_mail_id).executeTakeFirst()) ??
      this.db
        .selectFrom('mail_join_requests')
        .select(JOIN_COLUMNS)
        .where('group_id', '=', request.group_id)
        .where('address_lower', '=', request.address.toLowerCase())
        .where('status', 'in', OPEN_JOIN_STATUSES)
        .executeTakeFirst();
    const found = await existing();
    if (found !== undefined) return { request: found, created: false };
    try {
      await this.db.insertInto('mail_join_requests').values({ ...request, address_lower: request.address.toLowerCase() }).execute();
      return { request, created: true };
    } catch (error) {
      // Another node inserted the same mail's request, or this address's open one, meanwhile.
      const raced = await existing();
      if (raced !== undefined && (isUniqueViolation(error, OPEN_REQUEST_KEY) || raced.source_mail_id === request.source_mail_id)) return { request: raced, created: false };
      throw error;
    }
  }

  async findJoinRequest(id: string): Promise<JoinRequest | undefined> {
    return this.db.selectFrom('mail_join_requests').select(JOIN_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  async listJoinRequests(groupId: string, status?: JoinRequestStatus): Promise<JoinRequest[]> {
    let query = this.db.selectFrom('mail_join_requests').select(JOIN_COLUMNS).where('group_id', '=', groupId);
    if (status !== undefined) query = query.where('status', '=', status);
    return query.orderBy('id').execute();
  }

  async moveJoinRequest(
    id: string,
    from: readonly JoinRequestStatus[],
    changes: Partial<Pick<JoinRequest, 'status' | 'user_id' | 'confirmed_at' | 'decided_at' | 'decided_by'>>,
  ): Promise<JoinRequest | undefined> {
    if (from.length === 0) return undefined;
    return this.db.updateTable('mail_join_requests').set(changes).where('id', '=', id).where('status', 'in', from).returning(JOIN_COLUMNS).executeTakeFirst();
  }

  async joinsDirectly(groupId: string): Promise<boolean> {
    const row = await this.db.selectFrom('mail_join_policies').select('joins_directly').where('group_id', '=', groupId).executeTakeFirst();
    return row !== undefined && Number(row.joins_directly) === 1;
  }

  async setJoinsDirectly(groupId: string, direct: boolean, at: number): Promise<void> {
    await this.db
      .insertInto('mail_join_policies')
      .values({ group_id: groupId, joins_directly: direct ? 1 : 0, updated_at: at })
      .onConflict((oc) => oc.column('group_id').doUpdateSet({ joins_directly: direct ? 1 : 0, updated_at: at }))
      .execute();
  }
}
