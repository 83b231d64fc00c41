import { sql, type Kysely, type Migration } from 'kysely';

/**
 * What comes back by mail: bounce standings and the DSNs that raised them, the reply tokens of
 * announcement mail and the answers that arrived by reply, join requests by mail and each
 * group's join policy. Frozen once released. Schema builder only, same steps on both dialects.
 *
 * `mail_dsn_events` (mail, outbox row) is the idempotency key of bounce processing: a DSN
 * processed again after a crash changes nothing. `mail_bounce_standings.score_halves` counts
 * half points so the score stays an integer on both dialects. `mail_join_requests_open_key`
 * is partial: one open request per (group, address), any number of closed ones.
 */
export const mailFeedback: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('mail_bounce_standings')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('score_halves', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_raised_at', 'bigint')
      .addColumn('paused_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // The decay job reads only members with a score to lose.
    await db.schema
      .createIndex('mail_bounce_standings_decay_idx')
      .on('mail_bounce_standings')
      .column('last_raised_at')
      .where(sql.ref('score_halves'), '>', 0)
      .execute();

    await db.schema
      .createTable('mail_dsn_events')
      .addColumn('mail_id', 'text', (c) => c.notNull())
      .addColumn('outbox_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('hard', 'soft')`))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('mail_dsn_events_pkey', ['mail_id', 'outbox_id'])
      .execute();

    await db.schema
      .createTable('mail_reply_tokens')
      .addColumn('token', 'text', (c) => c.primaryKey())
      .addColumn('announcement_id', 'text', (c) => c.notNull().references('announcements.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('mail_reply_tokens_pair_key').unique().on('mail_reply_tokens').columns(['announcement_id', 'user_id']).execute();

    await db.schema
      .createTable('mail_replies')
      .addColumn('mail_id', 'text', (c) => c.primaryKey())
      .addColumn('announcement_id', 'text', (c) => c.notNull().references('announcements.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('answered', 'comment', 'refused', 'ignored')`))
      .addColumn('choice', 'text')
      .addColumn('comment', 'text')
      .addColumn('error', 'text')
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('mail_replies_announcement_idx').on('mail_replies').columns(['announcement_id', 'received_at']).execute();

    await db.schema
      .createTable('mail_join_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('address_lower', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('unconfirmed', 'pending', 'joined', 'rejected')`))
      .addColumn('source_mail_id', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('confirmed_at', 'bigint')
      .addColumn('decided_at', 'bigint')
      .addColumn('decided_by', 'text')
      .execute();
    await db.schema
      .createIndex('mail_join_requests_open_key')
      .unique()
      .on('mail_join_requests')
      .columns(['group_id', 'address_lower'])
      .where(sql<boolean>`status in ('unconfirmed', 'pending')`)
      .execute();
    await db.schema.createIndex('mail_join_requests_group_idx').on('mail_join_requests').columns(['group_id', 'status']).execute();

    await db.schema
      .createTable('mail_join_policies')
      .addColumn('group_id', 'text', (c) => c.primaryKey().references('groups.id').onDelete('cascade'))
      .addColumn('joins_directly', 'integer', (c) => c.notNull().check(sql`joins_directly in (0, 1)`))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
