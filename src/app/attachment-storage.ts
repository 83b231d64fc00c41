import { FileAttachmentStorage } from '../adapters/uploads/file-attachment-storage.ts';
import type { AttachmentStorage } from '../shared/attachment-storage.ts';
import type { Store } from '../domain/store.ts';

/**
 * Where attachment bytes go: on PostgreSQL (a cluster's store) into the database, so an upload
 * taken by one node is downloaded through any other; on SQLite (one process) files under `dir`.
 */
export function attachmentStorage(store: Store, dir: string): AttachmentStorage {
  return store.dialect === 'postgres' ? store.attachments : new FileAttachmentStorage(dir);
}
