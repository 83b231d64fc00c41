import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The account life cycle: verified addresses, single-use mailed links, named sessions, leaving.
 * Accounts that exist when this runs are marked verified at their creation time: they were made
 * before addresses had to be proved, and cutting their mail off would be a regression nobody asked
 * for (the migrate command says so). Sessions get a public id (the first 22 characters of their
 * token hash for the ones that exist: unique, and it reveals nothing the hash does not) so
 * their owner can list and end them, and socket tokens can name the session that minted them.
 * Frozen once released.
 */
export const accounts: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').addColumn('email_verified_at', 'bigint').execute();
    await db.schema.alterTable('users').addColumn('language', 'text').execute();
    await db.schema.alterTable('users').addColumn('deleted_at', 'bigint').execute();
    await sql`update users set email_verified_at = created_at`.execute(db);

    await db.schema.alterTable('sessions').addColumn('id', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('last_used_at', 'bigint').execute();
    await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
    await sql`update sessions set id = substr(token_hash, 1, 22), last_used_at = created_at`.execute(db);
    await db.schema.createIndex('sessions_id_key').unique().on('sessions').column('id').execute();

    await db.schema
      .createTable('account_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addCheckConstraint('account_tokens_purpose_check', sql`purpose in ('verify_email', 'change_email', 'reset_password')`)
      .execute();
    await db.schema.createIndex('account_tokens_user_id_idx').on('account_tokens').column('user_id').execute();
    await db.schema.createIndex('account_tokens_expires_at_idx').on('account_tokens').column('expires_at').execute();
  },
};

/** What `renraku migrate` tells the operator when this migration runs. */
export const ACCOUNTS_MIGRATION_NOTE = 'existing accounts were marked as verified: they were created before addresses had to be proved';
