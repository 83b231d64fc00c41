import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Announcements, their recipients (materialised when sent) and attachments; each member's
 * mail preference. Frozen once released, like 0001-core. Schema builder only, so the same
 * steps run on SQLite and PostgreSQL; JSON is kept as text (audience, answer_spec, answer).
 */
export const announcements: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('memberships')
      .addColumn('mail_delivery', 'text', (c) => c.notNull().defaultTo('each').check(sql`mail_delivery in ('each', 'digest', 'none')`))
      .execute();

    await db.schema
      .createTable('announcements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('email', 'integer', (c) => c.notNull())
      .addColumn('answer_spec', 'text')
      .addColumn('deadline', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('send_at', 'bigint')
      .addColumn('sent_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('remind_count', 'integer', (c) => c.notNull())
      .addColumn('remind_interval_ms', 'bigint', (c) => c.notNull())
      .addColumn('deadline_remind_ms', 'bigint', (c) => c.notNull())
      .addColumn('manual_reminded_at', 'bigint')
      .addCheckConstraint('announcements_status_check', sql`status in ('draft', 'scheduled', 'sent')`)
      .addCheckConstraint('announcements_email_check', sql`email in (0, 1)`)
      .execute();
    // A group's list, newest first (ids are time-sortable).
    await db.schema.createIndex('announcements_group_id_idx').on('announcements').columns(['group_id', 'id']).execute();

    await db.schema
      .createTable('announcement_recipients')
      .addColumn('announcement_id', 'text', (c) => c.notNull().references('announcements.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      // Copied from the announcement so unread counts per group are one index range.
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('read_at', 'bigint')
      .addColumn('answer', 'text')
      .addColumn('answered_at', 'bigint')
      .addColumn('reminders_sent', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('announcement_recipients_pkey', ['announcement_id', 'user_id'])
      .execute();
    await db.schema.createIndex('announcement_recipients_user_idx').on('announcement_recipients').columns(['user_id', 'announcement_id']).execute();
    await db.schema
      .createIndex('announcement_recipients_unread_idx')
      .on('announcement_recipients')
      .columns(['user_id', 'group_id'])
      .where(sql.ref('read_at'), 'is', null)
      .execute();

    await db.schema
      .createTable('announcement_attachments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('announcement_id', 'text', (c) => c.references('announcements.id').onDelete('set null'))
      .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('announcement_attachments_announcement_idx').on('announcement_attachments').column('announcement_id').execute();
    await db.schema.createIndex('announcement_attachments_created_at_idx').on('announcement_attachments').column('created_at').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['announcement_attachments', 'announcement_recipients', 'announcements']) {
      await db.schema.dropTable(table).execute();
    }
    await db.schema.alterTable('memberships').dropColumn('mail_delivery').execute();
  },
};
