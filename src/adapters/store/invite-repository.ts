import type { Kysely } from 'kysely';
import type { InviteConsumeResult, InviteRepository } from '../../domain/store.ts';
import type { Invite } from '../../domain/types.ts';
import { pick } from './pick.ts';
import type { Database } from './schema.ts';

const INVITE_COLUMNS = ['code', 'group_id', 'created_by', 'created_at', 'expires_at', 'max_uses', 'uses', 'revoked_at'] as const;

/** An invite is usable while not revoked, `now < expires_at` (or no expiry) and `uses < max_uses` (or no limit). */
export class KyselyInviteRepository implements InviteRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async create(invite: Invite): Promise<Invite> {
    const row = pick(invite, INVITE_COLUMNS);
    await this.db.insertInto('invites').values(row).execute();
    return row;
  }

  async find(code: string): Promise<Invite | undefined> {
    return this.db.selectFrom('invites').select(INVITE_COLUMNS).where('code', '=', code).executeTakeFirst();
  }

  /** Oldest first. */
  async listForGroup(groupId: string): Promise<Invite[]> {
    return this.db
      .selectFrom('invites')
      .select(INVITE_COLUMNS)
      .where('group_id', '=', groupId)
      .orderBy('created_at')
      .orderBy('code')
      .execute();
  }

  /**
   * One conditional UPDATE: the row lock (PostgreSQL re-checks the WHERE on the newest row
   * version after waiting) or SQLite's single writer makes concurrent consumes take exactly
   * the uses left. Only when nothing was taken is the invite read again, to name the reason
   * (revoked before expired before used up).
   */
  async consume(code: string, now: number): Promise<InviteConsumeResult> {
    const taken = await this.db
      .updateTable('invites')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('code', '=', code)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
      .returning(INVITE_COLUMNS)
      .executeTakeFirst();
    if (taken) return { ok: true, invite: taken };
    const invite = await this.find(code);
    if (!invite) return { ok: false, reason: 'invite_not_found' };
    if (invite.revoked_at !== null) return { ok: false, reason: 'invite_revoked' };
    if (invite.expires_at !== null && invite.expires_at <= now) return { ok: false, reason: 'invite_expired' };
    return { ok: false, reason: 'invite_used_up' };
  }

  /** Idempotent: a second revoke keeps the first `revoked_at`. False only when there is no such invite. */
  async revoke(code: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('invites')
      .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
      .where('code', '=', code)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
