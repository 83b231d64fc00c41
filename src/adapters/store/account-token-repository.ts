import type { Kysely } from 'kysely';
import type { AccountTokenRepository } from '../../accounts/account-token-repository.ts';
import type { AccountToken, AccountTokenPurpose } from '../../domain/types.ts';
import type { Database } from './schema.ts';

const COLUMNS = ['token_hash', 'user_id', 'purpose', 'email', 'created_at', 'expires_at'] as const;

export class KyselyAccountTokenRepository implements AccountTokenRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async create(token: AccountToken): Promise<void> {
    await this.db.insertInto('account_tokens').values({ ...token, used_at: null }).execute();
  }

  async take(tokenHash: string, purpose: AccountTokenPurpose, now: number): Promise<AccountToken | undefined> {
    const row = await this.db
      .updateTable('account_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(COLUMNS)
      .executeTakeFirst();
    return row && { ...row, created_at: Number(row.created_at), expires_at: Number(row.expires_at) };
  }

  async find(tokenHash: string, purpose: AccountTokenPurpose): Promise<(AccountToken & { used: boolean }) | undefined> {
    const row = await this.db
      .selectFrom('account_tokens')
      .select([...COLUMNS, 'used_at'])
      .where('token_hash', '=', tokenHash)
      .where('purpose', '=', purpose)
      .executeTakeFirst();
    if (!row) return undefined;
    const { used_at, ...token } = row;
    return { ...token, created_at: Number(token.created_at), expires_at: Number(token.expires_at), used: used_at !== null };
  }

  async revokeForUser(userId: string, purposes: readonly AccountTokenPurpose[], now: number): Promise<number> {
    const result = await this.db
      .updateTable('account_tokens')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('purpose', 'in', [...purposes])
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async deleteExpired(before: number): Promise<number> {
    const result = await this.db.deleteFrom('account_tokens').where('expires_at', '<=', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
