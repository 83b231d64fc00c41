import type { Kysely } from 'kysely';
import { AppError } from '../../domain/app-error.ts';
import type { BulkRepository } from '../../domain/store.ts';
import type { Membership, NewSession, NewUser } from '../../domain/types.ts';
import { MEMBERSHIP_COLUMNS } from './group-repository.ts';
import { insertInChunks } from './insert-in-chunks.ts';
import { pick } from './pick.ts';
import type { Database } from './schema.ts';
import type { StoreDatabase } from './store-database.ts';
import { isUniqueViolation, UNIQUE_KEYS } from './unique-violation.ts';
import { toUserRow } from './user-repository.ts';

/** Seeding and imports: all or nothing, in multi-row statements. AppError('email_taken') when
 *  an email exists (or repeats in the batch); then nothing is inserted. */
export class KyselyBulkRepository implements BulkRepository {
  private readonly db: Kysely<Database>;
  private readonly maxParameters: number;

  constructor(database: StoreDatabase) {
    this.db = database.db;
    this.maxParameters = database.maxParameters;
  }

  async insertUsers(users: NewUser[], memberships: Membership[]): Promise<void> {
    const userRows = users.map(toUserRow);
    const membershipRows = memberships.map((m) => pick(m, MEMBERSHIP_COLUMNS));
    try {
      await this.db.transaction().execute(async (trx) => {
        await insertInChunks(trx, 'users', userRows, this.maxParameters);
        await insertInChunks(trx, 'memberships', membershipRows, this.maxParameters);
      });
    } catch (error) {
      if (isUniqueViolation(error, UNIQUE_KEYS.userEmail)) throw new AppError('email_taken');
      throw error;
    }
  }

  async insertSessions(sessions: NewSession[]): Promise<void> {
    const rows = sessions.map((s) => ({
      id: s.id ?? s.token_hash.slice(0, 22), token_hash: s.token_hash, user_id: s.user_id, created_at: s.created_at, expires_at: s.expires_at,
      last_used_at: s.last_used_at ?? s.created_at, user_agent: s.user_agent ?? null,
    }));
    await this.db.transaction().execute((trx) => insertInChunks(trx, 'sessions', rows, this.maxParameters));
  }
}
