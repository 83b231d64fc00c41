import type { Kysely } from 'kysely';
import type { MailDelivery } from '../../shared/mail-delivery.ts';
import type { Database } from './schema.ts';

/**
 * A member's mail preference: the membership's `mail_delivery`, one for all mail of a group,
 * read and written here for announcements and the mailing list alike.
 */
export class KyselyMailDeliveryRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  /** Undefined when not a member. */
  async find(groupId: string, userId: string): Promise<MailDelivery | undefined> {
    const row = await this.db
      .selectFrom('memberships')
      .select('mail_delivery')
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.mail_delivery;
  }

  /** False when not a member. */
  async set(groupId: string, userId: string, delivery: MailDelivery): Promise<boolean> {
    const result = await this.db
      .updateTable('memberships')
      .set({ mail_delivery: delivery })
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
