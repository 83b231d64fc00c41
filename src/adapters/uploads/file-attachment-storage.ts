import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { AttachmentStorage } from '../../shared/attachment-storage.ts';

const SAFE_ID = /^[0-9A-Za-z_-]{1,64}$/;

/**
 * Attachments as files `<dir>/<id>`. A file is written under a temporary name, flushed to disk
 * and renamed, so a reader never sees half a file and a crash leaves at most a stray `.tmp`.
 */
export class FileAttachmentStorage implements AttachmentStorage {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async put(id: string, data: Buffer): Promise<void> {
    const path = this.path(id);
    const tmp = `${path}.tmp`;
    await mkdir(this.dir, { recursive: true });
    const file = await open(tmp, 'w', 0o600);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  }

  async open(id: string): Promise<Readable> {
    const stream = createReadStream(this.path(id));
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  async delete(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }

  private path(id: string): string {
    if (!SAFE_ID.test(id)) throw new Error(`attachment storage: "${id}" is not an attachment id`);
    return join(this.dir, id);
  }
}
