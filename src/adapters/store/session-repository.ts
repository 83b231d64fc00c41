import type { Kysely } from 'kysely';
import type { SessionRepository } from '../../domain/store.ts';
import type { Authenticated, NewSession, SessionView } from '../../domain/types.ts';
import type { Database } from './schema.ts';
import { toUser } from './user-repository.ts';

const VIEW_COLUMNS = ['id', 'created_at', 'expires_at', 'last_used_at', 'user_agent'] as const;

/** A session is valid while `now < expires_at`. */
export class KyselySessionRepository implements SessionRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async create(session: NewSession): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: session.id ?? session.token_hash.slice(0, 22),
        token_hash: session.token_hash,
        user_id: session.user_id,
        created_at: session.created_at,
        expires_at: session.expires_at,
        last_used_at: session.last_used_at ?? session.created_at,
        user_agent: session.user_agent ?? null,
      })
      .execute();
  }

  async findUser(tokenHash: string, now: number): Promise<(Authenticated & { last_used_at: number }) | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'users.id', 'users.email', 'users.name', 'users.created_at', 'users.email_verified_at', 'users.language',
        'sessions.id as session_id', 'sessions.last_used_at',
      ])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
    return row && { user: toUser(row), session_id: row.session_id, last_used_at: Number(row.last_used_at) };
  }

  async isLive(id: string, userId: string, now: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row !== undefined;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async listForUser(userId: string, now: number): Promise<SessionView[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(VIEW_COLUMNS)
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...r, created_at: Number(r.created_at), expires_at: Number(r.expires_at), last_used_at: Number(r.last_used_at) }));
  }

  async delete(tokenHash: string): Promise<{ id: string; user_id: string } | undefined> {
    return this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).returning(['id', 'user_id']).executeTakeFirst();
  }

  async deleteById(userId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('sessions').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async deleteForUser(userId: string, exceptId?: string): Promise<string[]> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
    const rows = await query.returning('id').execute();
    return rows.map((r) => r.id);
  }

  async deleteExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
