import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The outbound mail outbox and the bounces recorded against members. Frozen like 0001.
 *
 * `outbox_message_recipient_key` is the promise "one mail per recipient per message": a
 * second enqueue of the same (message_key, recipient) inserts nothing. The two partial
 * indexes hold only rows a dispatcher may claim (queued by due time, sending by lease end),
 * so claiming stays a short index scan however many sent rows pile up.
 *
 * No foreign key to users: the outbox is a delivery log that also carries mail to addresses
 * that are no account (user_id null), and deleting an account must not wait on its mail.
 */
export const outbox: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('message_key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('recipient_lower', 'text', (c) => c.notNull())
      .addColumn('from_address', 'text', (c) => c.notNull())
      .addColumn('reply_to', 'text')
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text_body', 'text', (c) => c.notNull())
      .addColumn('html_body', 'text')
      .addColumn('headers', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_until', 'bigint')
      .addColumn('claimed_by', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .addCheckConstraint('outbox_status_check', sql`status in ('queued', 'sending', 'sent', 'bounced', 'failed')`)
      .execute();
    await db.schema
      .createIndex('outbox_message_recipient_key')
      .unique()
      .on('outbox')
      .columns(['message_key', 'recipient_lower'])
      .execute();
    await db.schema
      .createIndex('outbox_queued_due_idx')
      .on('outbox')
      .column('next_attempt_at')
      .where(sql.ref('status'), '=', 'queued')
      .execute();
    await db.schema
      .createIndex('outbox_sending_lease_idx')
      .on('outbox')
      .column('lease_until')
      .where(sql.ref('status'), '=', 'sending')
      .execute();
    await db.schema.createIndex('outbox_user_id_idx').on('outbox').column('user_id').execute();

    await db.schema
      .createTable('mail_bounces')
      .addColumn('outbox_id', 'text', (c) => c.primaryKey().references('outbox.id').onDelete('cascade'))
      .addColumn('user_id', 'text')
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('code', 'integer', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('mail_bounces_user_created_idx').on('mail_bounces').columns(['user_id', 'created_at']).execute();
  },
};
