import { join } from 'node:path';
import type { Logger } from 'pino';
import { attachmentStorage } from './attachment-storage.ts';
import type { AttachmentStorage } from '../shared/attachment-storage.ts';
import type { Clock } from '../domain/clock.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { Store } from '../domain/store.ts';
import type { TalkService } from '../domain/talk-service.ts';
import type { MailEnqueuer } from '../mail/outgoing-mail.ts';
import type { JobScheduler } from '../scheduler/job-scheduler.ts';
import { ListDigest } from '../lists/list-digest.ts';
import { ListHandler } from '../lists/list-handler.ts';
import { ListPublisher } from '../lists/list-publisher.ts';
import { ListService } from '../lists/list-service.ts';
import type { SenderTrust } from '../lists/sender-trust.ts';
import { UnsubscribeLinks } from '../lists/unsubscribe-link.ts';

/** The mailing list, wired. */
export interface MailingList {
  readonly service: ListService;
  /** The `list` InboundHandler for the SMTP server. */
  readonly handler: ListHandler;
  readonly publisher: ListPublisher;
  readonly digest: ListDigest;
  /** Where post attachments are kept (`<dataDir>/list-attachments/` on SQLite, the database on PostgreSQL). */
  readonly attachments: AttachmentStorage;
}

/** Builds the list's services and registers the digest job on the scheduler. */
export function createMailingList(deps: {
  store: Store; talk: TalkService; mail: MailEnqueuer; scheduler: JobScheduler; ids: IdGenerator; clock: Clock; logger: Pick<Logger, 'info' | 'warn'>;
  secret: string; listDomain: string; publicUrl: string; dataDir: string;
  /** How far a member's From is believed (senderTrustOf(config)); as written when absent. */
  senderTrust?: SenderTrust;
}): MailingList {
  const { store, talk, mail, scheduler, ids, clock, logger, secret, listDomain, publicUrl, dataDir } = deps;
  const unsubscribe = new UnsubscribeLinks(secret);
  const attachments = attachmentStorage(store, join(dataDir, 'list-attachments'));
  const publisher = new ListPublisher({ store, talk, mail, ids, clock, unsubscribe, listDomain, publicUrl });
  const handler = new ListHandler({ store, publisher, attachments, ids, clock, listDomain, ...(deps.senderTrust ? { senderTrust: deps.senderTrust } : {}) });
  const service = new ListService({ store, clock, publisher, unsubscribe, listDomain });
  const digest = new ListDigest({ store, mail, publisher, clock, logger });
  digest.register(scheduler);
  return { service, handler, publisher, digest, attachments };
}
