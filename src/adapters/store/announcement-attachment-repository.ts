import type { Kysely, Transaction } from 'kysely';
import type { AnnouncementRepository } from '../../announcements/announcement-repository.ts';
import type { Announcement, Attachment } from '../../announcements/types.ts';
import { AppError } from '../../domain/app-error.ts';
import { chunk } from './insert-in-chunks.ts';
import { pick } from './pick.ts';
import type { Database } from './schema.ts';
import type { StoreDatabase } from './store-database.ts';

const ATTACHMENT_COLUMNS = ['id', 'group_id', 'announcement_id', 'uploaded_by', 'filename', 'content_type', 'size', 'created_at'] as const;

type AttachmentMethods = 'createAttachment' | 'findAttachment' | 'listAttachments' | 'deleteUnclaimedAttachments';

/**
 * The attachments of announcements (their rows; the bytes are AttachmentStorage's). An upload
 * is unclaimed until an announcement of its group claims it, inside that announcement's
 * create or edit transaction (claim, releaseAllBut).
 */
export class KyselyAnnouncementAttachmentRepository implements Pick<AnnouncementRepository, AttachmentMethods> {
  private readonly db: Kysely<Database>;
  private readonly maxParameters: number;

  constructor(database: StoreDatabase) {
    this.db = database.db;
    this.maxParameters = database.maxParameters;
  }

  /** Attachments become the announcement's when they are of its group and either already its
   *  own or unclaimed uploads of `uploaderId`; anything else throws, undoing the transaction. */
  async claim(trx: Transaction<Database>, announcement: Announcement, ids: readonly string[], uploaderId: string): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const result = await trx
      .updateTable('announcement_attachments')
      .set({ announcement_id: announcement.id })
      .where('id', 'in', unique)
      .where('group_id', '=', announcement.group_id)
      .where((eb) => eb.or([
        eb('announcement_id', '=', announcement.id),
        eb.and([eb('announcement_id', 'is', null), eb('uploaded_by', '=', uploaderId)]),
      ]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== unique.length) {
      throw new AppError('attachment_not_found', 'An attachment id names no upload of yours in this group that another announcement has not taken.', { field: 'attachment_ids' });
    }
  }

  /** Releases the announcement's attachments other than `keep` (they become unclaimed again). */
  async releaseAllBut(trx: Transaction<Database>, announcementId: string, keep: readonly string[]): Promise<void> {
    let release = trx.updateTable('announcement_attachments').set({ announcement_id: null }).where('announcement_id', '=', announcementId);
    if (keep.length > 0) release = release.where('id', 'not in', [...keep]);
    await release.execute();
  }

  async createAttachment(attachment: Attachment): Promise<Attachment> {
    const row = pick(attachment, ATTACHMENT_COLUMNS);
    await this.db.insertInto('announcement_attachments').values(row).execute();
    return row;
  }

  async findAttachment(id: string): Promise<Attachment | undefined> {
    return this.db.selectFrom('announcement_attachments').select(ATTACHMENT_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  async listAttachments(announcementIds: readonly string[]): Promise<Attachment[]> {
    const out: Attachment[] = [];
    for (const ids of chunk([...new Set(announcementIds)], this.maxParameters)) {
      out.push(...(await this.db
        .selectFrom('announcement_attachments')
        .select(ATTACHMENT_COLUMNS)
        .where('announcement_id', 'in', ids)
        .orderBy('created_at')
        .orderBy('id')
        .execute()));
    }
    return out;
  }

  async deleteUnclaimedAttachments(before: number): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('announcement_attachments')
      .where('announcement_id', 'is', null)
      .where('created_at', '<', before)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }
}
