import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import type { Notifier } from '../../domain/notifier.ts';
import type { Store } from '../../domain/store.ts';
import type { JobScheduler } from '../../scheduler/job-scheduler.ts';
import type { BouncePolicy, DsnEvent, DsnOutcome } from './feedback-repository.ts';
import { tellOwners } from './tell-owners.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The bounce policy (as Mailman's, with its defaults): a hard bounce is 1 point, a soft one
 * 0.5, and a member's score rises at most once a day, so one broken day of a mail server is
 * one point, not fifty. At 5 points mail to the member pauses and the group's owners are told
 * in the app. A score that has not risen for 7 days goes back to 0 (the daily decay job); a
 * paused member stays paused until an owner unpauses them.
 */
export const BOUNCE_POLICY = Object.freeze({
  minRaiseIntervalMs: DAY_MS,
  threshold: 5,
  /** A score untouched this long is forgotten. */
  decayAfterMs: 7 * DAY_MS,
  decayJob: 'mail.bounce_decay',
  /** Daily, at a quiet hour (UTC). */
  decayCron: '41 4 * * *',
});

export interface BounceScoreDeps {
  store: Pick<Store, 'feedback' | 'groups'>;
  notifier: Notifier;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
  policy?: Partial<BouncePolicy & { decayAfterMs: number }>;
}

/**
 * Applies DSNs to members' standings, pauses and unpauses their mail, and tells owners. Mail
 * to a paused member is held back by the dispatcher (`isPaused`, passed to it as a filter).
 */
export class BounceScores {
  readonly policy: BouncePolicy & { decayAfterMs: number };
  private readonly deps: BounceScoreDeps;

  constructor(deps: BounceScoreDeps) {
    this.deps = deps;
    this.policy = { ...BOUNCE_POLICY, ...deps.policy };
  }

  /** Records one DSN; when it pauses the member, every owner of every group they belong to hears of it on `user:<owner>`. */
  async record(event: DsnEvent): Promise<DsnOutcome> {
    const outcome = await this.deps.store.feedback.recordDsn(event, this.policy);
    if (outcome.newlyPaused) {
      this.deps.logger.warn({ user_id: event.user_id, score: outcome.standing.score }, 'mail to member paused after repeated bounces');
      await this.tellOwners(event.user_id, 'mail:paused', { user_id: event.user_id, score: outcome.standing.score, paused_at: outcome.standing.paused_at });
    }
    return outcome;
  }

  /** The dispatcher's filter: which of these members' mail must not be sent now. */
  paused(userIds: readonly string[]): Promise<Set<string>> {
    return userIds.length === 0 ? Promise.resolve(new Set()) : this.deps.store.feedback.pausedAmong(userIds);
  }

  /** Mail to the member flows again, score 0; the owners hear of it. */
  async unpause(userId: string): Promise<boolean> {
    const changed = await this.deps.store.feedback.unpause(userId, this.deps.clock.now());
    if (changed) await this.tellOwners(userId, 'mail:unpaused', { user_id: userId });
    return changed;
  }

  /** The decay job's work: scores untouched for `decayAfterMs` back to 0. */
  async decay(): Promise<number> {
    return this.deps.store.feedback.decay(this.deps.clock.now() - this.policy.decayAfterMs);
  }

  /** Registers the daily decay job (idempotent: running it twice forgets nothing more). */
  registerJobs(scheduler: Pick<JobScheduler, 'register' | 'every'>): void {
    scheduler.register(BOUNCE_POLICY.decayJob, async () => {
      const decayed = await this.decay();
      if (decayed > 0) this.deps.logger.info({ decayed }, 'mail bounce scores decayed');
    });
    scheduler.every(BOUNCE_POLICY.decayJob, BOUNCE_POLICY.decayCron);
  }

  /** Owners of every group the member belongs to: the score is the member's, whichever group's mail bounced. */
  private async tellOwners(userId: string, event: string, payload: Record<string, unknown>): Promise<void> {
    for (const group of await this.deps.store.groups.listForUser(userId)) await tellOwners(this.deps, group.id, event, payload);
  }
}
