import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import type { InboundHandler, InboundMail, InboundRecipient } from '../inbound/inbound-handler.ts';
import type { OutboxRepository } from '../outbox-repository.ts';
import type { VerpAddresses } from '../verp.ts';
import type { BounceScores } from './bounce-score.ts';
import { diagnosticCode, findDeliveryReport } from './dsn.ts';

export interface BounceHandlerDeps {
  verp: VerpAddresses;
  outbox: Pick<OutboxRepository, 'find' | 'recordBounce'>;
  scores: Pick<BounceScores, 'record'>;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * DSNs to our VERP return paths, `bounces+<outbox id>-<mac>@…`. Only genuine addresses are
 * accepted at RCPT (the MAC is checked), so a forged bounce is refused before it is even
 * received. A DSN (RFC 3464) that reports the mail failed or was delayed is recorded against
 * the outbox row's member — a permanent failure also as a bounce of that row — and raises their
 * bounce score (BounceScores). Anything else sent to the address (an auto-reply, a mail
 * without a delivery report, a "delivered" notice) changes nothing.
 */
export class BounceHandler implements InboundHandler {
  readonly kind = 'bounce' as const;
  private readonly deps: BounceHandlerDeps;

  constructor(deps: BounceHandlerDeps) {
    this.deps = deps;
  }

  async resolve(address: string): Promise<InboundRecipient | undefined> {
    if (this.deps.verp.parse(address) === undefined) return undefined;
    const local = address.slice(0, address.lastIndexOf('@'));
    return { kind: 'bounce', address, token: local.slice(local.indexOf('+') + 1) };
  }

  async process(mail: InboundMail): Promise<void> {
    const { verp, outbox, scores, clock, logger } = this.deps;
    const outboxId = verp.parse(mail.recipient.address);
    if (outboxId === undefined) return;
    const report = findDeliveryReport(mail.raw);
    const log = { mail_id: mail.id, outbox_id: outboxId };
    if (report?.severity === undefined || report.decisive === undefined) {
      logger.info({ ...log, recipients: report?.recipients.length ?? 0 }, 'mail to a bounce address without a failure report: ignored');
      return;
    }
    const row = await outbox.find(outboxId);
    if (row === undefined) return;
    const at = clock.now();
    const { decisive, severity } = report;
    const detail = [decisive.action, decisive.status, decisive.diagnostic].filter((s) => s !== undefined && s !== '').join(' ').slice(0, 500);
    if (severity === 'hard') await outbox.recordBounce(outboxId, { code: diagnosticCode(decisive.diagnostic), detail, at });
    if (row.user_id === null) return;
    const outcome = await scores.record({ mail_id: mail.id, outbox_id: outboxId, user_id: row.user_id, severity, status: decisive.status, at });
    logger.info({ ...log, user_id: row.user_id, severity, status: decisive.status, raised: outcome.raised, score: outcome.standing.score }, 'bounce recorded');
  }
}
