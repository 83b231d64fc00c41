import type { Kysely, Migration } from 'kysely';

/**
 * Attachment bytes in the database, for a cluster over PostgreSQL: an upload taken by one node
 * is downloaded through any other. Base64 text, the one type both dialects read and write the
 * same way (as the raw inbound mail). Frozen once released.
 */
export const attachmentBlobs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('attachment_blobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
