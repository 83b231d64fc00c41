import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The durable scheduler's table (src/scheduler/). Frozen: a change is a new migration.
 *
 * One row per job occurrence; the primary key (name, key) is the unique (job, fire_time) of
 * a recurring job's occurrence (key = fire time in ISO 8601) and the (name, key) of a one-off
 * job. `recurring`, like every boolean of the store, is 0/1.
 */
export const jobs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('jobs')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('recurring', 'integer', (c) => c.notNull())
      .addColumn('fire_at', 'bigint', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('claimed_by', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addPrimaryKeyConstraint('jobs_pkey', ['name', 'key'])
      .addCheckConstraint('jobs_status_check', sql`status in ('pending', 'done', 'failed')`)
      .addCheckConstraint('jobs_recurring_check', sql`recurring in (0, 1)`)
      .execute();
    // The claim scan: pending rows, earliest due first. Not a partial index: SQLite cannot
    // match one against the bound parameter `status = ?`.
    await db.schema.createIndex('jobs_status_fire_at_idx').on('jobs').columns(['status', 'fire_at']).execute();
    // Clean-up of old finished rows.
    await db.schema.createIndex('jobs_finished_at_idx').on('jobs').column('finished_at').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('jobs').execute();
  },
};
