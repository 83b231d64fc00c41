import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The core schema. Frozen: once released, a change is a new migration, never an edit here,
 * so every database that ran it has the same tables. Written with the schema builder only,
 * so the same steps run on SQLite and PostgreSQL: `bigint` is int8 on PostgreSQL and has
 * INTEGER affinity (64-bit integers) on SQLite; `text` is text on both.
 *
 * Names of unique indexes are part of the contract with unique-violation.ts.
 */
export const core: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_lower', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('users_email_lower_key').unique().on('users').column('email_lower').execute();

    await db.schema
      .createTable('sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();
    await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute();

    await db.schema
      .createTable('groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('groups_slug_key').unique().on('groups').column('slug').execute();

    await db.schema
      .createTable('memberships')
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('memberships_pkey', ['group_id', 'user_id'])
      .addCheckConstraint('memberships_role_check', sql`role in ('owner', 'sender', 'member')`)
      .execute();
    await db.schema.createIndex('memberships_user_id_idx').on('memberships').column('user_id').execute();

    await db.schema
      .createTable('subgroups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('subgroups_group_id_idx').on('subgroups').column('group_id').execute();

    await db.schema
      .createTable('subgroup_members')
      .addColumn('subgroup_id', 'text', (c) => c.notNull().references('subgroups.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('leader', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('subgroup_members_pkey', ['subgroup_id', 'user_id'])
      .addCheckConstraint('subgroup_members_leader_check', sql`leader in (0, 1)`)
      .execute();
    await db.schema.createIndex('subgroup_members_user_id_idx').on('subgroup_members').column('user_id').execute();

    await db.schema
      .createTable('invites')
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('max_uses', 'integer')
      .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('revoked_at', 'bigint')
      .execute();
    await db.schema.createIndex('invites_group_id_idx').on('invites').column('group_id').execute();

    await db.schema
      .createTable('rooms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('rooms_group_id_idx').on('rooms').column('group_id').execute();

    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('reply_to', 'text', (c) => c.references('messages.id'))
      .addColumn('mentions', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('client_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('edited_at', 'bigint')
      .addColumn('deleted_at', 'bigint')
      .execute();
    // Serves range() too: every history read is an index range scan on (room_id, seq).
    await db.schema.createIndex('messages_room_seq_key').unique().on('messages').columns(['room_id', 'seq']).execute();
    await db.schema
      .createIndex('messages_room_author_client_id_key')
      .unique()
      .on('messages')
      .columns(['room_id', 'author_id', 'client_id'])
      .where(sql.ref('client_id'), 'is not', null)
      .execute();

    await db.schema
      .createTable('read_markers')
      .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('last_read_seq', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('read_markers_pkey', ['room_id', 'user_id'])
      .execute();
    await db.schema.createIndex('read_markers_user_id_idx').on('read_markers').column('user_id').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'read_markers', 'messages', 'rooms', 'invites', 'subgroup_members', 'subgroups',
      'memberships', 'groups', 'sessions', 'users',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
