import type { Kysely, Migration } from 'kysely';

/**
 * `groups.member_emails_visible`: whether plain members see each other's email addresses in
 * the member list (owners and senders always do). 0 (closed) for every group, old and new:
 * addresses are shown to members only once an owner opens them. Frozen once released.
 */
export const memberEmailVisibility: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('groups')
      .addColumn('member_emails_visible', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
