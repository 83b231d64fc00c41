import { join } from 'node:path';
import { AnnouncementAccess } from '../announcements/announcement-access.ts';
import { AnnouncementDelivery, type DeliveryDeps } from '../announcements/announcement-delivery.ts';
import { registerAnnouncementJobs } from '../announcements/announcement-jobs.ts';
import { AnnouncementService } from '../announcements/announcement-service.ts';
import { AttachmentService } from '../announcements/attachment-service.ts';
import { ReadLinks } from '../announcements/read-link.ts';
import { attachmentStorage } from './attachment-storage.ts';
import type { Config } from '../config/config.ts';
import { LIMITS } from '../config/limits.ts';
import type { Clock } from '../domain/clock.ts';
import type { GroupService } from '../domain/group-service.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { Notifier } from '../domain/notifier.ts';
import type { Store } from '../domain/store.ts';
import type { MailEnqueuer, MailPreparer } from '../mail/outgoing-mail.ts';
import type { JobScheduler } from '../scheduler/job-scheduler.ts';

/** The announcement module, wired. */
export interface Announcements {
  readonly service: AnnouncementService;
  readonly delivery: AnnouncementDelivery;
  readonly attachments: AttachmentService;
  readonly readLinks: ReadLinks;
}

/**
 * Builds the announcement services over the store, the notifier, the outbox and the scheduler,
 * and registers their jobs on the scheduler. Attachments live in `<dataDir>/uploads/` (SQLite) or the database (PostgreSQL); read
 * links are signed with a key derived from the server secret.
 */
export function createAnnouncements(deps: {
  store: Store; notifier: Notifier; clock: Clock; ids: IdGenerator; groups: GroupService; scheduler: JobScheduler; mail: MailEnqueuer & MailPreparer; secret: string; config: Config;
  replyAddresses?: DeliveryDeps['replyAddresses'];
}): Announcements {
  const { store, notifier, clock, ids, groups, scheduler, mail, secret, config, replyAddresses } = deps;
  const readLinks = new ReadLinks(secret, LIMITS.readLinkTtlMs, () => clock.now());
  const access = new AnnouncementAccess({ store, groups });
  const delivery = new AnnouncementDelivery({ store, notifier, clock, access, jobs: scheduler, mail, readLinks, publicUrl: config.publicUrl, ...(replyAddresses ? { replyAddresses } : {}) });
  const service = new AnnouncementService({ store, clock, ids, access, delivery, jobs: scheduler, readLinks });
  const attachments = new AttachmentService({ store, clock, ids, access, storage: attachmentStorage(store, join(config.dataDir, 'uploads')) });
  registerAnnouncementJobs(scheduler, { delivery, attachments });
  return { service, delivery, attachments, readLinks };
}
