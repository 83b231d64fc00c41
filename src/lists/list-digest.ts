import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../domain/store.ts';
import type { MailEnqueuer } from '../mail/outgoing-mail.ts';
import type { JobContext, JobScheduler } from '../scheduler/job-scheduler.ts';
import { localDate, previousDate, startOfLocalDay } from './local-day.ts';
import { renderDigest } from './list-mail.ts';
import type { ListPublisher } from './list-publisher.ts';

export const LIST_DIGEST_JOB = 'list.digest';

/**
 * Daily digests. The job runs every quarter of an hour (any node, once per occurrence); for
 * each group with digest readers, once the group's local day D has begun, the digest of day
 * D−1 — every post published in that local day — goes to each digest reader, once: the mail
 * key `list:<group>:digest:<D−1>` keeps the outbox from sending it twice, and a `list_digests`
 * row (written after the mail) lets later runs skip the group without reading its posts.
 */
export class ListDigest {
  private readonly deps: { store: Store; mail: MailEnqueuer; publisher: ListPublisher; clock: Clock; logger: Pick<Logger, 'info' | 'warn'> };

  constructor(deps: { store: Store; mail: MailEnqueuer; publisher: ListPublisher; clock: Clock; logger: Pick<Logger, 'info' | 'warn'> }) {
    this.deps = deps;
  }

  register(scheduler: JobScheduler): void {
    scheduler.register(LIST_DIGEST_JOB, (job: JobContext) => this.run(job.fireAt).then(() => {}));
    scheduler.every(LIST_DIGEST_JOB, LIMITS.listDigestCron);
  }

  /** Assembles every digest due at `at`; returns how many mails were enqueued. */
  async run(at: number): Promise<number> {
    const { store } = this.deps;
    let enqueued = 0;
    for (const groupId of await store.lists.groupsWithDigestReaders()) {
      const group = await store.groups.findById(groupId);
      if (group === undefined) continue;
      const settings = await store.lists.getSettings(groupId);
      const day = previousDate(localDate(at, settings.time_zone));
      if (await store.lists.findDigest(groupId, day)) continue;
      const from = startOfLocalDay(day, settings.time_zone);
      const to = startOfLocalDay(localDate(at, settings.time_zone), settings.time_zone);
      const posts = await store.lists.publishedBetween(groupId, from, to);
      if (posts.length > 0) {
        const list = this.deps.publisher.context(group, settings);
        const readers = (await store.lists.listRecipients(groupId)).filter((r) => r.delivery === 'digest');
        for (let i = 0; i < readers.length; i += LIMITS.announcementMailBatch) {
          const batch = readers.slice(i, i + LIMITS.announcementMailBatch);
          enqueued += await this.deps.mail.enqueue(batch.map((r) => renderDigest(posts, day, list, r, this.deps.publisher.unsubscribeUrl(groupId, r.user_id))));
        }
      }
      await store.lists.recordDigest(groupId, day, posts.length, this.deps.clock.now());
    }
    return enqueued;
  }
}
