import type { JobContext, JobScheduler } from '../scheduler/job-scheduler.ts';
import { ANNOUNCEMENT_JOBS, type AnnouncementDelivery } from './announcement-delivery.ts';
import type { AttachmentService } from './attachment-service.ts';

/** Unclaimed uploads are swept hourly (at minute 17, away from the top of the hour). */
const CLEAN_UPLOADS_CRON = '17 * * * *';

/**
 * Registers the announcement jobs with the scheduler. Every handler is idempotent (see
 * AnnouncementDelivery), so an occurrence taken over after a crash does no harm.
 */
export function registerAnnouncementJobs(scheduler: JobScheduler, deps: { delivery: AnnouncementDelivery; attachments: AttachmentService }): void {
  const { delivery, attachments } = deps;
  scheduler.register(ANNOUNCEMENT_JOBS.send, (job) => delivery.runSendJob(job.key));
  scheduler.register(ANNOUNCEMENT_JOBS.remindUnread, (job) => {
    const { announcementId, round } = reminderPayload(job);
    return delivery.remindUnread(announcementId, round);
  });
  scheduler.register(ANNOUNCEMENT_JOBS.remindDeadline, (job) => delivery.remindDeadline(job.key));
  scheduler.register(ANNOUNCEMENT_JOBS.cleanUploads, async () => {
    await attachments.cleanUnclaimed();
  });
  scheduler.every(ANNOUNCEMENT_JOBS.cleanUploads, CLEAN_UPLOADS_CRON);
}

function reminderPayload(job: JobContext): { announcementId: string; round: number } {
  const { announcement_id: announcementId, round } = job.payload;
  if (typeof announcementId !== 'string' || typeof round !== 'number' || !Number.isSafeInteger(round)) {
    throw new Error(`${job.name} ${job.key}: payload must be {announcement_id: string, round: integer}, got ${JSON.stringify(job.payload)}`);
  }
  return { announcementId, round };
}
