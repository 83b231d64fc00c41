import { randomBytes } from 'node:crypto';
import type { Timers } from '../domain/clock.ts';
import { PresenceBatcher } from './presence-batcher.ts';
import { mergePresencesInto } from './presence-replicas.ts';
import { isEmptyDiff, PresenceState, type PresenceDiff, type Presences } from './presence-state.ts';

/**
 * This node's presences per topic. `track` and `untrack` change the state at once (so `list`
 * right after shows them) and queue the diff; subscribers get merged `presence_diff`
 * broadcasts through the batcher. State for a topic exists only while someone is present.
 * In a cluster, `remote` holds the other nodes' presences (PresenceReplication): `list` shows
 * them too, and `broadcast` gets only this node's own diffs (to send to local subscribers and
 * to the other nodes).
 */
export class PresenceTracker {
  private readonly states = new Map<string, PresenceState>();
  private readonly batcher: PresenceBatcher;
  /** Random per tracker, so phx_refs from different nodes never collide. */
  private readonly refPrefix = randomBytes(6).toString('base64url');
  private nextRef = 0;
  private readonly remote: { list(topic: string): Presences } | undefined;

  constructor(deps: { timers: Timers; broadcast: (topic: string, diff: PresenceDiff) => void; windowMs?: number; remote?: { list(topic: string): Presences } }) {
    this.remote = deps.remote;
    this.batcher = new PresenceBatcher({
      timers: deps.timers,
      emit: deps.broadcast,
      ...(deps.windowMs !== undefined ? { windowMs: deps.windowMs } : {}),
    });
  }

  /** Adds a presence of `key` on `topic`; returns its phx_ref (for untrack). */
  track(topic: string, key: string, meta: Record<string, unknown>): string {
    const phxRef = `${this.refPrefix}${(this.nextRef++).toString(36)}`;
    let state = this.states.get(topic);
    if (!state) this.states.set(topic, (state = new PresenceState()));
    this.batcher.add(topic, state.join(key, { ...meta, phx_ref: phxRef }));
    return phxRef;
  }

  /** Idempotent: untracking an unknown ref changes nothing and sends nothing. */
  untrack(topic: string, key: string, phxRef: string): void {
    const state = this.states.get(topic);
    if (!state) return;
    const diff = state.leave(key, phxRef);
    if (state.size === 0) this.states.delete(topic);
    if (!isEmptyDiff(diff)) this.batcher.add(topic, diff);
  }

  list(topic: string): Presences {
    const local = this.states.get(topic)?.list() ?? {};
    return this.remote ? mergePresencesInto(local, this.remote.list(topic)) : local;
  }

  /** This node's own presences, every topic (for a cluster state transfer). */
  snapshot(): Map<string, Presences> {
    return new Map([...this.states].map(([topic, state]) => [topic, state.list()]));
  }

  /** Sends what is pending now; called on shutdown. */
  flush(): void {
    this.batcher.flush();
  }
}
