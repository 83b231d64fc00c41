import type { Kysely } from 'kysely';
import type { SessionRepository } from '../../domain/store.ts';
import type { Session, User } from '../../domain/types.ts';
import { pick } from './pick.ts';
import type { Database } from './schema.ts';

/** A session is valid while `now < expires_at`. */
export class KyselySessionRepository implements SessionRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async create(session: Session): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values(pick(session, ['token_hash', 'user_id', 'created_at', 'expires_at']))
      .execute();
  }

  async findUser(tokenHash: string, now: number): Promise<User | undefined> {
    return this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.email', 'users.name', 'users.created_at'])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteExpired(now: number): Promise<number> {
    const result = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
