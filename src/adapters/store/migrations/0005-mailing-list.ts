import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The mailing list: inbound mail as received, the list's settings per group and per member,
 * its posts (held, published, rejected or dropped), their attachments and the digests sent.
 * Frozen once released. Schema builder only, so the same steps run on SQLite and PostgreSQL.
 *
 * `inbound_deliveries_dedupe_key` is the promise "a sender's retry does not double-post": a
 * message whose Message-ID (or, without one, content hash) was already accepted for an address
 * inserts nothing for it. The raw message is kept as base64 text, the one type both dialects
 * store and return alike.
 */
export const mailingList: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('inbound_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('envelope_from', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('parsed', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('inbound_deliveries')
      .addColumn('message_id', 'text', (c) => c.notNull().references('inbound_messages.id').onDelete('cascade'))
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('group_id', 'text')
      .addColumn('token', 'text')
      .addColumn('processed_at', 'bigint')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addPrimaryKeyConstraint('inbound_deliveries_pkey', ['message_id', 'address'])
      .execute();
    await db.schema.createIndex('inbound_deliveries_dedupe_key').unique().on('inbound_deliveries').columns(['dedupe_key', 'address']).execute();
    await db.schema
      .createIndex('inbound_deliveries_unprocessed_idx')
      .on('inbound_deliveries')
      .column('message_id')
      .where(sql.ref('processed_at'), 'is', null)
      .execute();

    await db.schema
      .createTable('list_settings')
      .addColumn('group_id', 'text', (c) => c.primaryKey().references('groups.id').onDelete('cascade'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('from_rewrite', 'integer', (c) => c.notNull())
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('room_id', 'text', (c) => c.references('rooms.id').onDelete('set null'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('list_settings_mode_check', sql`mode in ('announce', 'discussion')`)
      .execute();

    await db.schema
      .createTable('list_member_settings')
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('self_copy', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('list_member_settings_pkey', ['group_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('list_posts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('inbound_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('from_address', 'text', (c) => c.notNull())
      .addColumn('from_name', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text_body', 'text', (c) => c.notNull())
      .addColumn('html_body', 'text')
      .addColumn('message_id', 'text')
      .addColumn('in_reply_to', 'text')
      .addColumn('thread_references', 'text')
      .addColumn('room_message_id', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'bigint')
      .addColumn('published_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('list_posts_status_check', sql`status in ('held', 'published', 'rejected', 'dropped')`)
      .execute();
    // Processing one inbound delivery twice (a re-run after a crash) finds the first post.
    await db.schema.createIndex('list_posts_inbound_key').unique().on('list_posts').columns(['inbound_id', 'group_id']).execute();
    await db.schema.createIndex('list_posts_group_status_idx').on('list_posts').columns(['group_id', 'status', 'id']).execute();
    await db.schema.createIndex('list_posts_group_published_idx').on('list_posts').columns(['group_id', 'published_at']).execute();

    await db.schema
      .createTable('list_attachments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('post_id', 'text', (c) => c.notNull().references('list_posts.id').onDelete('cascade'))
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('list_attachments_post_idx').on('list_attachments').column('post_id').execute();

    await db.schema
      .createTable('list_digests')
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('posts', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('list_digests_pkey', ['group_id', 'day'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['list_digests', 'list_attachments', 'list_posts', 'list_member_settings', 'list_settings', 'inbound_deliveries', 'inbound_messages']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
