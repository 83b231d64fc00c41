import { FileAttachmentStorage } from '../adapters/uploads/file-attachment-storage.ts';
import type { AttachmentStorage } from '../shared/attachment-storage.ts';
import type { Store } from '../domain/store.ts';

/**
 * Where attachment bytes go: into the store when every node shares it (a cluster over
 * PostgreSQL), so an upload taken by one node is downloaded through any other; otherwise (one
 * process on SQLite) files under `dir`.
 */
export function attachmentStorage(store: Store, dir: string): AttachmentStorage {
  return store.sharedAcrossNodes ? store.attachments : new FileAttachmentStorage(dir);
}
