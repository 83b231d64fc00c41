import { BENCH_LIMITS } from '../core/limits.ts';
import { machineBusyPercent, machineCpu } from '../core/machine-load.ts';
import { rangeCount } from '../core/seq-ranges.ts';
import type { Stalls } from '../core/stall-watch.ts';
import type { DrainResult } from '../load/fleet.ts';
import type { DeliveryStats, OpenResult, PublishJob, PublishResult, VerifyResult } from '../load/worker-api.ts';
import type { ProbeSample } from '../servers/probe-api.ts';
import type { Problems } from './run-record.ts';
import type { Session } from './session.ts';

/** One publish phase, measured: what was acked, what arrived, what it cost the server. */
export interface Phase {
  pub: PublishResult;
  drain: DrainResult;
  /** delivery counters and latencies of this phase only */
  stats: DeliveryStats;
  /** deliveries the acked pushes owed: acked seqs × members of their room */
  expected: number;
  /** server CPU (user + system) from just before the first push to the last delivery */
  serverCpuUs: number;
  /** load generator CPU over the same span */
  clientCpuUs: number;
  /** first push sent to last delivery received, seconds */
  seconds: number;
  /** the server's loop delay and GC pauses over the phase */
  serverStalls: Stalls;
  /** the whole machine's CPU over the phase, % of all cores (null off Linux) */
  machineBusyPct: number | null;
  /** this phase's seqs checked; `duplicates` counts only this phase's */
  verify: VerifyResult;
  /** duplicates since the clients joined */
  duplicatesSoFar: number;
}

const cpu = (s: ProbeSample) => s.cpuUserUs + s.cpuSystemUs;

/** How many connected members of a topic should receive each of its messages. */
export type MembersPresent = (topic: string) => number;

/** Everyone who joined is there. */
export const joinedMembers =
  (open: OpenResult): MembersPresent =>
  (topic) =>
    open.topics[topic]?.members ?? 0;

/**
 * Runs publish jobs and waits (bounded) until every acknowledged message reached every member
 * of its room, then checks each client's seqs: a delivery that never comes is counted as
 * missing, one that comes twice as duplicated. Duplicates are counted since the previous phase.
 */
export function publishPhase(session: Session, present: MembersPresent, jobs: PublishJob[], previous?: Phase): Promise<Phase> {
  return session.measure('publish', () => measuredPhase(session, present, jobs, previous));
}

async function measuredPhase(session: Session, present: MembersPresent, jobs: PublishJob[], previous?: Phase): Promise<Phase> {
  const { fleet, target } = session;
  const before = await fleet.stats(true);
  const serverBefore = await target.server.sample(false);
  const machineBefore = machineCpu();
  const pub = await fleet.publish(jobs);
  let expected = 0;
  for (const [topic, ranges] of Object.entries(pub.seqs)) expected += rangeCount(ranges) * present(topic);
  const drain = await fleet.drain(expected);
  const serverAfter = await target.server.sample(false);
  const machineAfter = machineCpu();
  const stats = await fleet.stats(true);
  const verify = await fleet.verify(pub.seqs);
  const duplicatesSoFar = verify.duplicates;
  verify.duplicates -= previous?.duplicatesSoFar ?? 0;
  const end = drain.lastDeliveryUs > 0 ? drain.lastDeliveryUs : pub.lastAckUs;
  return {
    pub,
    drain,
    stats,
    expected,
    serverCpuUs: cpu(serverAfter) - cpu(serverBefore),
    clientCpuUs: stats.cpuUs - before.cpuUs,
    seconds: Math.max(1e-6, (end - pub.firstSendUs) / 1e6),
    serverStalls: serverAfter.stalls,
    machineBusyPct: machineBusyPercent(machineBefore, machineAfter),
    verify,
    duplicatesSoFar,
  };
}

/** Adds the phase's correctness problems: refused or unanswered pushes, gaps, duplicates, drops. */
export function phaseProblems(p: Phase, problems: Problems): void {
  problems.none(p.pub.sent - p.pub.acked, `pushes not acknowledged (${JSON.stringify(p.pub.errors)}, ${p.pub.timeouts} timed out)`);
  problems.none(p.verify.missing, 'deliveries missing');
  problems.none(p.verify.duplicates, 'deliveries duplicated');
  if (!p.drain.complete) problems.add(`drain incomplete after ${BENCH_LIMITS.drainIdleMs} ms without progress: ${p.drain.deliveries} of ${p.expected} deliveries`);
  const dropped = Object.values(p.stats.dropped).reduce((a, b) => a + b, 0);
  problems.none(dropped, `connections dropped by the server (${JSON.stringify(p.stats.dropped)})`);
}
