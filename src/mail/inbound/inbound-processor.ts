import { simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import { LIMITS } from '../../config/limits.ts';
import type { Clock } from '../../domain/clock.ts';
import type { InboundHandler, InboundKind, InboundRecipient } from './inbound-handler.ts';
import type { InboundRepository } from './inbound-repository.ts';

type ProcessorLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * Runs the owning handler once per committed (message, recipient), after the SMTP server said
 * 250, and again at start-up for every delivery that was not marked processed (the process
 * died first, or the handler threw). An attempt is counted before the handler runs, so a
 * message that crashes the process stops being retried after `inboundMaxAttempts`.
 */
export class InboundProcessor {
  private readonly handlers: ReadonlyMap<InboundKind, InboundHandler>;
  private readonly repository: InboundRepository;
  private readonly clock: Clock;
  private readonly logger: ProcessorLogger;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(deps: { handlers: readonly InboundHandler[]; repository: InboundRepository; clock: Clock; logger: ProcessorLogger }) {
    const byKind = new Map<InboundKind, InboundHandler>();
    for (const handler of deps.handlers) {
      if (byKind.has(handler.kind)) throw new Error(`inbound: two handlers for kind "${handler.kind}"; one per kind`);
      byKind.set(handler.kind, handler);
    }
    this.handlers = byKind;
    this.repository = deps.repository;
    this.clock = deps.clock;
    this.logger = deps.logger;
  }

  /** Processes the message's new recipients in the background; never rejects. */
  enqueue(messageId: string, recipients: readonly InboundRecipient[]): void {
    const run = this.processMessage(messageId, recipients).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  /** Resolves when everything enqueued so far has been processed (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * Processes every delivery left unprocessed (at start-up: what a crash left; later, as a
   * job: what a failing handler left), with `receivedBefore` only older ones. Returns how
   * many were tried.
   */
  async recover(opts: { receivedBefore?: number } = {}): Promise<number> {
    let tried = 0;
    const seen = new Set<string>();
    for (;;) {
      const batch = (await this.repository.listUnprocessed({ limit: LIMITS.inboundRecoveryBatch, maxAttempts: LIMITS.inboundMaxAttempts, ...opts }))
        .filter((d) => !seen.has(`${d.message_id} ${d.address}`));
      if (batch.length === 0) return tried;
      const byMessage = new Map<string, InboundRecipient[]>();
      for (const d of batch) {
        seen.add(`${d.message_id} ${d.address}`);
        const recipient: InboundRecipient = {
          kind: d.kind, address: d.address, ...(d.group_id !== null ? { groupId: d.group_id } : {}), ...(d.token !== null ? { token: d.token } : {}),
        };
        byMessage.set(d.message_id, [...(byMessage.get(d.message_id) ?? []), recipient]);
      }
      for (const [messageId, recipients] of byMessage) await this.processMessage(messageId, recipients);
      tried += batch.length;
    }
  }

  private async processMessage(messageId: string, recipients: readonly InboundRecipient[]): Promise<void> {
    try {
      const stored = await this.repository.findMessage(messageId);
      if (stored === undefined) return;
      const parsed = await simpleParser(stored.raw);
      for (const recipient of recipients) {
        const handler = this.handlers.get(recipient.kind);
        if (handler === undefined) {
          await this.repository.markFailed(messageId, recipient.address, `no handler for kind "${recipient.kind}"`);
          continue;
        }
        try {
          await this.repository.startAttempt(messageId, recipient.address);
          await handler.process({ id: messageId, envelopeFrom: stored.envelope_from, recipient, raw: stored.raw, parsed, receivedAt: stored.received_at });
          await this.repository.markProcessed(messageId, recipient.address, this.clock.now());
        } catch (err) {
          this.logger.error({ err, messageId, recipient: recipient.address }, 'inbound mail: handler failed; it is retried at the next start');
          await this.repository.markFailed(messageId, recipient.address, err instanceof Error ? err.message : String(err)).catch(() => {});
        }
      }
    } catch (err) {
      this.logger.error({ err, messageId }, 'inbound mail: processing failed; it is retried at the next start');
    }
  }
}
