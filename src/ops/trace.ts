import { LIMITS } from '../config/limits.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import type { EncodedFrame } from '../protocol/frame.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { ConnectionTable } from './connection-table.ts';

/** What a trace follows: a topic's broadcasts (any target with a `:`), or one user's frames in and out. */
export type TraceTarget = { kind: 'topic'; topic: string } | { kind: 'user'; userId: string };

export interface TraceEvent {
  at: number;
  /** `broadcast` on a traced topic; `in`/`out` on a traced user's connection. */
  kind: 'broadcast' | 'in' | 'out';
  topic: string | null;
  event: string | null;
  connection: string | null;
  /** String length or byte length of the frame. */
  size: number;
  /** The frame's start (LIMITS.opsTracePreviewChars); binary frames as hex. */
  preview: string;
}

export interface TraceSummary {
  recorded: number;
  /** Events over the rate cap (LIMITS.opsTraceEventsPerSecond), counted but not recorded. */
  dropped: number;
  stoppedBy: 'max' | 'seconds' | 'cancelled';
}

export interface TraceLimits {
  max: number;
  seconds: number;
}

export function parseTraceTarget(target: string): TraceTarget {
  return target.includes(':') ? { kind: 'topic', topic: target } : { kind: 'user', userId: target };
}

/**
 * A live trace (what recon_trace gives): events reach `onEvent` as they happen, and the trace
 * stops itself at `max` events or after `seconds`, whichever comes first — or when cancelled.
 * However hot the target, at most LIMITS.opsTraceEventsPerSecond events a second are looked at
 * (sliced, parsed, sent); the rest only bump a counter, so a trace costs the node a bounded
 * amount of work. A topic trace is an ordinary local subscriber, so it sees broadcasts from
 * every node of the cluster.
 */
export function startTrace(deps: { pubsub: PubSub; connections: ConnectionTable; clock: Clock; timers: Timers }, target: TraceTarget, limits: TraceLimits, onEvent: (event: TraceEvent) => void): { done: Promise<TraceSummary>; cancel(): void } {
  const { clock, timers } = deps;
  let recorded = 0;
  let dropped = 0;
  // The allowance refills by timer, so an event over the cap costs a compare and an increment: no clock read.
  let inWindow = 0;
  const refill = timers.setInterval(() => (inWindow = 0), 1000);
  let finish: (stoppedBy: TraceSummary['stoppedBy']) => void = () => {};
  const done = new Promise<TraceSummary>((resolve) => {
    finish = (stoppedBy) => {
      stop();
      timers.clearTimeout(timer);
      timers.clearInterval(refill);
      finish = () => {};
      resolve({ recorded, dropped, stoppedBy });
    };
  });

  const take = (kind: TraceEvent['kind'], frame: EncodedFrame, connection: string | null): void => {
    if (inWindow >= LIMITS.opsTraceEventsPerSecond) {
      dropped += 1;
      return;
    }
    inWindow += 1;
    recorded += 1;
    onEvent({ at: clock.now(), kind, connection, size: frame.length, ...describe(frame) });
    if (recorded >= limits.max) finish('max');
  };

  const stop = target.kind === 'topic'
    ? (() => {
      const subscription = deps.pubsub.subscribe(target.topic, (message) => take('broadcast', message.frame, null));
      return () => subscription.unsubscribe();
    })()
    : deps.connections.tapUser(target.userId, (tapped) => take(tapped.direction, tapped.frame, tapped.connection));
  const timer = timers.setTimeout(() => finish('seconds'), limits.seconds * 1000);
  return { done, cancel: () => finish('cancelled') };
}

const HEAD = /^\[(?:null|"[^"]*"),(?:null|"[^"]*"),"([^"]*)","([^"]*)"/;

/** Topic, event and a preview of a V2 frame, from its first characters only. */
function describe(frame: EncodedFrame): Pick<TraceEvent, 'topic' | 'event' | 'preview'> {
  if (typeof frame !== 'string') return { topic: null, event: null, preview: frame.subarray(0, LIMITS.opsTracePreviewChars / 2).toString('hex') };
  const preview = frame.slice(0, LIMITS.opsTracePreviewChars);
  const head = HEAD.exec(preview);
  return { topic: head?.[1] ?? null, event: head?.[2] ?? null, preview };
}
