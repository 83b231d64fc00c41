import type { Kysely, Selectable } from 'kysely';
import type { InboundRecipient } from '../../mail/inbound/inbound-handler.ts';
import type { InboundDelivery, InboundRepository, NewInboundMessage, StoredInboundMessage } from '../../mail/inbound/inbound-repository.ts';
import type { InboundMessagesTable } from './mailing-list-tables.ts';
import type { Database } from './schema.ts';
import type { StoreDatabase } from './store-database.ts';

const MAX_ERROR_CHARS = 1_000;

function toMessage(row: Selectable<InboundMessagesTable>): StoredInboundMessage {
  return {
    id: row.id,
    dedupe_key: row.dedupe_key,
    envelope_from: row.envelope_from,
    raw: Buffer.from(row.raw, 'base64'),
    parsed: JSON.parse(row.parsed) as Record<string, unknown>,
    size: Number(row.size),
    received_at: Number(row.received_at),
  };
}

/**
 * Inbound mail over Kysely. `commit` is one transaction whose unique key (dedupe_key, address)
 * decides, also between two servers receiving the same retry at once, which recipients are new.
 */
export class KyselyInboundRepository implements InboundRepository {
  private readonly db: Kysely<Database>;

  constructor(database: StoreDatabase) {
    this.db = database.db;
  }

  async commit(message: NewInboundMessage, recipients: readonly InboundRecipient[]): Promise<InboundRecipient[]> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('inbound_messages')
        .values({
          id: message.id,
          dedupe_key: message.dedupe_key,
          envelope_from: message.envelope_from,
          raw: message.raw.toString('base64'),
          parsed: JSON.stringify(message.parsed),
          size: message.raw.length,
          received_at: message.received_at,
        })
        .execute();
      const fresh: InboundRecipient[] = [];
      for (const recipient of recipients) {
        const inserted = await trx
          .insertInto('inbound_deliveries')
          .values({
            message_id: message.id,
            address: recipient.address,
            dedupe_key: message.dedupe_key,
            kind: recipient.kind,
            group_id: recipient.groupId ?? null,
            token: recipient.token ?? null,
            processed_at: null,
            attempts: 0,
            last_error: null,
          })
          .onConflict((oc) => oc.columns(['dedupe_key', 'address']).doNothing())
          .returning('address')
          .executeTakeFirst();
        if (inserted !== undefined) fresh.push(recipient);
      }
      if (fresh.length === 0) await trx.deleteFrom('inbound_messages').where('id', '=', message.id).execute();
      return fresh;
    });
  }

  async findMessage(id: string): Promise<StoredInboundMessage | undefined> {
    const row = await this.db.selectFrom('inbound_messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMessage(row);
  }

  async listUnprocessed(opts: { limit: number; maxAttempts: number; receivedBefore?: number }): Promise<InboundDelivery[]> {
    let query = this.db
      .selectFrom('inbound_deliveries as d')
      .select(['d.message_id', 'd.address', 'd.kind', 'd.group_id', 'd.token', 'd.processed_at', 'd.attempts', 'd.last_error'])
      .where('d.processed_at', 'is', null)
      .where('d.attempts', '<', opts.maxAttempts);
    if (opts.receivedBefore !== undefined) {
      const before = opts.receivedBefore;
      query = query.where((eb) => eb.exists(eb.selectFrom('inbound_messages as m').select('m.id').whereRef('m.id', '=', 'd.message_id').where('m.received_at', '<', before)));
    }
    const rows = await query.orderBy('d.message_id').orderBy('d.address').limit(opts.limit).execute();
    return rows.map((r) => ({ ...r, processed_at: r.processed_at === null ? null : Number(r.processed_at) }));
  }

  async startAttempt(messageId: string, address: string): Promise<void> {
    await this.db
      .updateTable('inbound_deliveries')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('message_id', '=', messageId)
      .where('address', '=', address)
      .execute();
  }

  async markProcessed(messageId: string, address: string, at: number): Promise<void> {
    await this.db
      .updateTable('inbound_deliveries')
      .set({ processed_at: at, last_error: null })
      .where('message_id', '=', messageId)
      .where('address', '=', address)
      .execute();
  }

  async deleteReceivedBefore(at: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const old = trx.selectFrom('inbound_messages').select('id').where('received_at', '<', at);
      await trx.deleteFrom('inbound_deliveries').where('message_id', 'in', old).execute();
      const result = await trx.deleteFrom('inbound_messages').where('received_at', '<', at).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  async markFailed(messageId: string, address: string, error: string): Promise<void> {
    await this.db
      .updateTable('inbound_deliveries')
      .set({ last_error: error.slice(0, MAX_ERROR_CHARS) })
      .where('message_id', '=', messageId)
      .where('address', '=', address)
      .execute();
  }
}
