import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { AttachmentStorage } from '../../shared/attachment-storage.ts';
import type { Database } from './schema.ts';

/**
 * Attachment bytes as rows of `attachment_blobs` (base64), so every node of a cluster reads what
 * any node stored. A put is one statement: the row is there whole or not at all, and putting the
 * same id again replaces it (a retried upload). Used on PostgreSQL; SQLite keeps files on disk.
 */
export class AttachmentBlobStorage implements AttachmentStorage {
  private readonly db: Kysely<Database>;
  private readonly now: () => number;

  constructor(db: Kysely<Database>, now: () => number = Date.now) {
    this.db = db;
    this.now = now;
  }

  async put(id: string, data: Buffer): Promise<void> {
    const row = { id, data: data.toString('base64'), bytes: data.length, created_at: this.now() };
    await this.db
      .insertInto('attachment_blobs')
      .values(row)
      .onConflict((c) => c.column('id').doUpdateSet({ data: row.data, bytes: row.bytes, created_at: row.created_at }))
      .execute();
  }

  async open(id: string): Promise<Readable> {
    const row = await this.db.selectFrom('attachment_blobs').select('data').where('id', '=', id).executeTakeFirst();
    if (!row) throw Object.assign(new Error(`attachment storage: no bytes for ${id}`), { code: 'ENOENT' });
    return Readable.from([Buffer.from(row.data, 'base64')]);
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('attachment_blobs').where('id', '=', id).execute();
  }
}
