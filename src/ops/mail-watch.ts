import type { OutboxRepository, Settlement } from '../mail/outbox-repository.ts';
import { intercept } from './intercept.ts';

export type MailSettled = (status: Settlement['status']) => void;

/** Send results since this node started, by how each settled row ended (`diag outbox`, metrics). */
export type MailResults = Record<Settlement['status'], number>;

/**
 * Watches the dispatcher through the outbox repository it is given: every row it settles is
 * one send result (`sent`, `queued` again after a temporary failure, `bounced`, `failed`).
 * Only rows the store really changed are counted, as the repository reports them.
 */
export class MailWatch {
  private readonly onSettled: MailSettled;
  private readonly results: MailResults = { sent: 0, queued: 0, bounced: 0, failed: 0 };

  constructor(deps: { onSettled?: MailSettled } = {}) {
    this.onSettled = deps.onSettled ?? (() => {});
  }

  observe(outbox: OutboxRepository): OutboxRepository {
    return intercept(outbox, {
      settle: async (claimer: string, settlements: Settlement[]) => {
        const changed = await outbox.settle(claimer, settlements);
        for (const settlement of settlements) {
          if (!changed.has(settlement.id)) continue;
          this.results[settlement.status] += 1;
          this.onSettled(settlement.status);
        }
        return changed;
      },
    });
  }

  totals(): MailResults {
    return { ...this.results };
  }
}
