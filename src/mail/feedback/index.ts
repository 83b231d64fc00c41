import type { Logger } from 'pino';
import type { AccountService } from '../../accounts/account-service.ts';
import type { Clock } from '../../domain/clock.ts';
import type { GroupService } from '../../domain/group-service.ts';
import type { IdGenerator } from '../../domain/ids.ts';
import type { Notifier } from '../../domain/notifier.ts';
import type { Store } from '../../domain/store.ts';
import type { InboundHandler } from '../inbound/inbound-handler.ts';
import type { MailEnqueuer } from '../outgoing-mail.ts';
import type { MailLocale } from '../templates.ts';
import type { VerpAddresses } from '../verp.ts';
import { BounceHandler } from './bounce-handler.ts';
import { BounceScores } from './bounce-score.ts';
import { BounceStandings } from './bounce-standings.ts';
import type { BouncePolicy } from './feedback-repository.ts';
import { JoinHandler } from './join-handler.ts';
import { JoinLinks } from './join-links.ts';
import { MailJoins } from './mail-joins.ts';
import { ReplyAddresses } from './reply-addresses.ts';
import { ReplyHandler, type AnswerRecorder } from './reply-handler.ts';

export { BOUNCE_POLICY, BounceScores } from './bounce-score.ts';
export { ReplyAddresses } from './reply-addresses.ts';
export { MailJoins } from './mail-joins.ts';
export type { AnswerRecorder } from './reply-handler.ts';

export interface MailFeedbackDeps {
  store: Store;
  notifier: Notifier;
  clock: Clock;
  ids: IdGenerator;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** The server secret: reply tokens and join links use keys derived from it. */
  secret: string;
  listDomain: string;
  /** RENRAKU_PUBLIC_URL, no trailing slash (join confirmation links). */
  publicUrl: string;
  /** The outbox: join confirmation mails. */
  mail: MailEnqueuer;
  groups: GroupService;
  accounts: AccountService;
  locale?: MailLocale;
  policy?: Partial<BouncePolicy & { decayAfterMs: number }>;
}

/** The mail feedback services, wired: what the app, the routes and the handlers share. */
export interface MailFeedback {
  readonly scores: BounceScores;
  /** Members' bounce standing for owners, and unpausing. */
  readonly standings: BounceStandings;
  readonly replyAddresses: ReplyAddresses;
  readonly joins: MailJoins;
  readonly deps: MailFeedbackDeps;
}

export function createMailFeedback(deps: MailFeedbackDeps): MailFeedback {
  const { store, notifier, clock, ids, logger, secret, listDomain, publicUrl, mail, groups, accounts } = deps;
  const scores = new BounceScores({ store, notifier, clock, logger, ...(deps.policy ? { policy: deps.policy } : {}) });
  const replyAddresses = new ReplyAddresses({ secret, domain: listDomain, repository: store.feedback, clock });
  const joins = new MailJoins({
    store, groups, accounts, notifier, mail, links: new JoinLinks(secret), clock, ids, publicUrl, ...(deps.locale ? { locale: deps.locale } : {}),
  });
  const standings = new BounceStandings({ store, groups, scores });
  return { scores, standings, replyAddresses, joins, deps };
}

/**
 * The inbound handlers of mail that comes back: DSNs to VERP addresses, replies to
 * announcements, join requests. `answers` is the announcement service (its `answer`).
 */
export function createFeedbackHandlers(deps: { feedback: MailFeedback; verp: VerpAddresses; answers: AnswerRecorder }): InboundHandler[] {
  const { feedback, verp, answers } = deps;
  const { store, notifier, clock, logger, listDomain } = feedback.deps;
  return [
    new BounceHandler({ verp, outbox: store.outbox, scores: feedback.scores, clock, logger }),
    new ReplyHandler({ addresses: feedback.replyAddresses, store, answers, notifier, clock, logger }),
    new JoinHandler({ store, joins: feedback.joins, listDomain }),
  ];
}
