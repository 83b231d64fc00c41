import type { Readable } from 'node:stream';
import { LIMITS } from '../config/limits.ts';
import { AppError, isAppError } from '../domain/app-error.ts';
import type { Clock } from '../domain/clock.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { Store } from '../domain/store.ts';
import type { AnnouncementAccess } from './announcement-access.ts';
import type { AttachmentStorage } from '../shared/attachment-storage.ts';
import type { Attachment } from './types.ts';

export interface Upload {
  filename: string;
  /** the Content-Type the client sent (parameters such as charset are dropped) */
  contentType: string;
  data: Buffer;
}

/**
 * Attachment uploads and downloads. Whoever may announce in a group may upload there; an upload
 * belongs to nobody else until an announcement claims it. Downloads: the uploader while it is
 * unclaimed, then whoever may see the announcement (its recipients, author, owners, senders).
 * Unclaimed uploads are deleted after `unclaimedUploadTtlMs`.
 */
export class AttachmentService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly access: AnnouncementAccess;
  private readonly storage: AttachmentStorage;

  constructor(deps: { store: Store; clock: Clock; ids: IdGenerator; access: AnnouncementAccess; storage: AttachmentStorage }) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.access = deps.access;
    this.storage = deps.storage;
  }

  async upload(userId: string, groupId: string, upload: Upload): Promise<Attachment> {
    const actor = await this.access.actor(userId, groupId);
    if (!(await this.access.mayAnnounce(actor))) throw new AppError('forbidden', 'Only owners, senders and sub-group leaders may upload attachments.');
    const contentType = checkContentType(upload.contentType);
    if (upload.data.length > LIMITS.maxAttachmentBytes) throw new AppError('attachment_too_large', undefined, { max_bytes: LIMITS.maxAttachmentBytes });
    if (upload.data.length === 0) throw new AppError('validation_failed', 'body: the file is empty.', { field: 'body' });
    const attachment: Attachment = {
      id: this.ids.next(), group_id: groupId, announcement_id: null, uploaded_by: userId,
      filename: cleanFilename(upload.filename), content_type: contentType, size: upload.data.length, created_at: this.clock.now(),
    };
    // Bytes first: a crash in between leaves an unreferenced file, never a row without its file.
    await this.storage.put(attachment.id, upload.data);
    return this.store.announcements.createAttachment(attachment);
  }

  /** The attachment and its bytes, for someone who may download it (attachment_not_found otherwise). */
  async open(userId: string, attachmentId: string): Promise<{ attachment: Attachment; stream: Readable }> {
    const attachment = await this.store.announcements.findAttachment(attachmentId);
    if (!attachment) throw new AppError('attachment_not_found');
    try {
      if (attachment.announcement_id === null) {
        await this.access.actor(userId, attachment.group_id);
        if (attachment.uploaded_by !== userId) throw new AppError('attachment_not_found');
      } else {
        await this.access.load(userId, attachment.announcement_id);
      }
    } catch (error) {
      if (isAppError(error) && error.code === 'announcement_not_found') throw new AppError('attachment_not_found');
      throw error;
    }
    return { attachment, stream: await this.storage.open(attachment.id) };
  }

  /** Deletes uploads no announcement claimed within the TTL; returns how many. */
  async cleanUnclaimed(): Promise<number> {
    const ids = await this.store.announcements.deleteUnclaimedAttachments(this.clock.now() - LIMITS.unclaimedUploadTtlMs);
    await Promise.all(ids.map((id) => this.storage.delete(id)));
    return ids.length;
  }
}

/** The media type without parameters, when it is one we accept (attachment_type_refused otherwise). */
export function checkContentType(raw: string): string {
  const type = raw.split(';')[0]!.trim().toLowerCase();
  if (!(LIMITS.attachmentTypes as readonly string[]).includes(type)) {
    throw new AppError('attachment_type_refused', `Files of type "${type}" may not be attached.`, { allowed: LIMITS.attachmentTypes });
  }
  return type;
}

/** A display name only: no directories, quotes or control characters, bounded. */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const clean = [...base.replace(/[\u0000-\u001F\u007F-\u009F"]/g, '').trim()].slice(0, LIMITS.maxFilenameChars).join('');
  return clean === '' || clean === '.' || clean === '..' ? 'attachment' : clean;
}
