import { LIMITS } from '../../config/limits.ts';
import type { Clock } from '../../domain/clock.ts';
import type { JobScheduler } from '../../scheduler/job-scheduler.ts';
import type { InboundProcessor } from './inbound-processor.ts';
import type { InboundRepository } from './inbound-repository.ts';

export const INBOUND_RETRY_JOB = 'inbound.retry';
export const INBOUND_PRUNE_JOB = 'inbound.prune';

/**
 * The inbound side's housekeeping, once in the cluster each. `inbound.retry` retries
 * deliveries a handler failed on (the store was away, a bug since fixed) without waiting for
 * a restart, for messages old enough that no server is still processing them; handlers are
 * idempotent, so a retry that overlaps a slow first run adds nothing. `inbound.prune` deletes
 * raw mail older than `inboundKeepMs`.
 */
export function registerInboundJobs(scheduler: JobScheduler, deps: { processor: InboundProcessor; repository: InboundRepository; clock: Clock }): void {
  const { processor, repository, clock } = deps;
  scheduler.register(INBOUND_RETRY_JOB, async () => {
    await processor.recover({ receivedBefore: clock.now() - LIMITS.inboundRetryAfterMs });
  });
  scheduler.every(INBOUND_RETRY_JOB, LIMITS.inboundRetryCron);
  scheduler.register(INBOUND_PRUNE_JOB, async () => {
    await repository.deleteReceivedBefore(clock.now() - LIMITS.inboundKeepMs);
  });
  scheduler.every(INBOUND_PRUNE_JOB, LIMITS.inboundPruneCron);
}
