import type { Readable } from 'node:stream';

/**
 * Where attachment bytes live, by attachment id (a ULID, safe as a file or object name). The
 * store keeps the metadata; this keeps the content. Implemented on the local disk under
 * `<dataDir>/uploads/` (src/adapters/uploads/, one process on SQLite) and in the database
 * (src/adapters/store/attachment-blob-storage.ts, a cluster on PostgreSQL).
 */
export interface AttachmentStorage {
  /** Stores the bytes; when it resolves they are durable and complete (never half-written). */
  put(id: string, data: Buffer): Promise<void>;
  /** The bytes as a stream; rejects when absent. */
  open(id: string): Promise<Readable>;
  /** Idempotent: removing what is absent is fine. */
  delete(id: string): Promise<void>;
}
