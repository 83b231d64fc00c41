import { randomBytes } from 'node:crypto';
import { LIMITS } from '../config/limits.ts';
import type { Timers } from '../domain/clock.ts';
import { PresenceBatcher } from './presence-batcher.ts';
import { mergePresencesInto } from './presence-replicas.ts';
import { isEmptyDiff, PresenceState, type PresenceDiff, type PresenceMeta, type Presences } from './presence-state.ts';

/** The presence events a room's subscribers see. */
export type PresenceEvent = 'presence_state' | 'presence_diff' | 'presence_count';

export interface PresenceTrackerDeps {
  timers: Timers;
  /** Shows a presence event to this node's subscribers of `topic` (PubSub.localBroadcast). */
  show(topic: string, event: PresenceEvent, payload: Record<string, unknown>): void;
  /** This node's own batched diffs, for the other nodes (PresenceReplication.publishLocal). */
  replicate?(topic: string, diff: PresenceDiff): void;
  /** This node's subscribers of a topic: a bigger room gets a longer batch window. */
  subscribers?(topic: string): number;
  /** The other nodes' presences (PresenceReplication). */
  remote?: { list(topic: string): Presences; count(topic: string): number; addKeys(topic: string, into: Set<string>): void };
  /** Base batch window (LIMITS.presenceBatchMs). */
  windowMs?: number;
  /** Presences from which a topic is crowded (LIMITS.presenceCrowdedAt). */
  crowdedAt?: number;
}

/**
 * This node's presences per topic. `track` and `untrack` change the state at once (so `list`
 * right after shows them) and queue the diff; subscribers get merged `presence_diff`
 * broadcasts through the batcher. State for a topic exists only while someone is present.
 * In a cluster, `remote` holds the other nodes' presences (PresenceReplication): `list` shows
 * them too, `remoteDiff` shows their changes, and `replicate` gets only this node's own diffs.
 *
 * What it costs, and the policy for big rooms (docs/architecture.md):
 * - Batch windows grow with the room: LIMITS.presenceBatchMs up to LIMITS.presenceBatchSubscribers
 *   local subscribers, doubling with each doubling of them, at most LIMITS.presenceBatchMaxMs —
 *   so a room's presence traffic stays near (subscribers ÷ window) frames per second however
 *   fast people join.
 * - A room in a join storm (LIMITS.presenceStormChanges joins or more in its window under way,
 *   or changes in its last window) batches over at least LIMITS.presenceStormMs: the window
 *   under way is stretched to that, and so is the next while the storm goes on, so its members
 *   get one diff per storm window instead of one per base window while it fills.
 * - A joiner's `presence_state` is the list as of the topic's last emitted diff (its
 *   *snapshot*), serialized once per window and shared by every joiner of that window; the next
 *   diff, which every subscriber gets, brings the joiner up to date. With other nodes'
 *   presences on the topic, or when no snapshot is kept and changes are pending, it is the
 *   current list instead (the diff that follows repeats some of it: phoenix.js applies a join
 *   of a phx_ref it has as a replacement, a leave of one it lacks as nothing).
 * - A topic with LIMITS.presenceCrowdedAt presences or more (all nodes) is crowded: per-member
 *   presence to everyone is N² frames and bytes, so its subscribers get one `presence_state {}`
 *   and from then on `presence_count {count}` (at most once per window, when it changed)
 *   instead of diffs; joiners get `presence_state {}` and `presence_count`. Below 80% of
 *   that it shows the full `presence_state` again, once, and diffs.
 */
export class PresenceTracker {
  private readonly deps: PresenceTrackerDeps;
  private readonly states = new Map<string, PresenceState>();
  private readonly batcher: PresenceBatcher;
  private readonly baseWindowMs: number;
  private readonly crowdedAt: number;
  private readonly uncrowdedBelow: number;
  /** Random per tracker, so phx_refs from different nodes never collide. */
  private readonly refPrefix = randomBytes(6).toString('base64url');
  private nextRef = 0;
  /** Per topic, its presences as its subscribers were last shown them (at its last emit),
   *  serialized: every joiner until the next emit gets this (see the class comment). */
  private readonly snapshots = new Map<string, string>();
  /** Topics in a join storm (see the class comment): their windows last at least
   *  LIMITS.presenceStormMs. Kept only while joiners keep coming (`warm`). */
  private readonly storming = new Set<string>();
  /** Topics whose `presence_state` was asked for since their last window ended: their per-key
   *  fragments are kept one more window, then dropped (they are memory only a join storm needs). */
  private readonly warm = new Set<string>();
  /** Crowded topics, with the count their subscribers were last shown. */
  private readonly crowded = new Map<string, number>();

  constructor(deps: PresenceTrackerDeps) {
    this.deps = deps;
    this.baseWindowMs = deps.windowMs ?? LIMITS.presenceBatchMs;
    this.crowdedAt = deps.crowdedAt ?? LIMITS.presenceCrowdedAt;
    // Hysteresis: a room hovering at the threshold must not flip between lists and counts.
    this.uncrowdedBelow = Math.ceil(this.crowdedAt * 0.8);
    // Some joiners are shown the current list, pending changes included (see stateFor): a ref
    // that joins and leaves inside one window must still be sent as a leave, or they keep a ghost.
    this.batcher = new PresenceBatcher({ timers: deps.timers, emit: (topic, diff) => this.emit(topic, diff), windowMs: this.baseWindowMs, keepLeaves: true });
  }

  /** Adds a presence of `key` on `topic`; returns its phx_ref (for untrack). */
  track(topic: string, key: string, meta: Record<string, unknown>): string {
    const phxRef = this.newRef();
    this.trackMeta(topic, key, { ...meta, phx_ref: phxRef });
    return phxRef;
  }

  /** A phx_ref for `trackMeta`, unique cluster-wide. */
  newRef(): string {
    return `${this.refPrefix}${(this.nextRef++).toString(36)}`;
  }

  /** `track` for a meta built with its phx_ref (from `newRef`) in one object literal: the
   *  spread in `track` gives every meta an extra property array, ~200 bytes per presence. */
  trackMeta(topic: string, key: string, meta: PresenceMeta): void {
    let state = this.states.get(topic);
    if (!state) this.states.set(topic, (state = new PresenceState()));
    state.put(key, meta);
    this.batcher.addJoin(topic, key, meta, this.windowFor(topic));
    // A storm shows inside its first window: stretch it rather than send that window's diff.
    if (!this.storming.has(topic) && this.batcher.changes(topic) >= LIMITS.presenceStormChanges) {
      this.storming.add(topic);
      this.batcher.stretch(topic, this.windowFor(topic));
    }
  }

  /** Idempotent: untracking an unknown ref changes nothing and sends nothing. */
  untrack(topic: string, key: string, phxRef: string): void {
    const state = this.states.get(topic);
    if (!state) return;
    const diff = state.leave(key, phxRef);
    if (state.size === 0) this.states.delete(topic);
    if (isEmptyDiff(diff)) return;
    this.batcher.add(topic, diff, this.windowFor(topic));
  }

  list(topic: string): Presences {
    const local = this.states.get(topic)?.list() ?? {};
    return this.deps.remote ? mergePresencesInto(local, this.deps.remote.list(topic)) : local;
  }

  /** Keys present on `topic` over every node, each once (a user with tabs on two nodes is one). */
  count(topic: string): number {
    const local = this.states.get(topic);
    const remote = this.deps.remote;
    if (!remote || remote.count(topic) === 0) return local?.size ?? 0;
    const keys = new Set<string>(local?.keys());
    remote.addKeys(topic, keys);
    return keys.size;
  }

  /** True while `topic` shows counts instead of members (see the class comment). */
  isCrowded(topic: string): boolean {
    return this.crowded.has(topic);
  }

  /**
   * What a client that just joined `topic` is pushed, already encoded: `presence_state` (the
   * topic's snapshot, serialized once for all joiners of the window), and `presence_count` when
   * crowded. The joiner must already be subscribed: the next diff completes its list.
   */
  joinFrames(topic: string, joinRef: string | null): string[] {
    const head = `[${JSON.stringify(joinRef)},null,${JSON.stringify(topic)},`;
    // The count its subscribers were last shown (the next window's count follows), not a recount per joiner.
    const shown = this.crowded.get(topic);
    if (shown !== undefined) return [`${head}"presence_state",{}]`, `${head}"presence_count",{"count":${shown}}]`];
    this.warm.add(topic);
    return [`${head}"presence_state",${this.stateFor(topic)}]`];
  }

  /** The `presence_state` payload for a joiner now (see the class comment). */
  private stateFor(topic: string): string {
    if ((this.deps.remote?.count(topic) ?? 0) > 0) return JSON.stringify(this.list(topic));
    const snapshot = this.snapshots.get(topic);
    if (snapshot !== undefined) return snapshot;
    const json = this.states.get(topic)?.json() ?? '{}';
    // Nothing changed since the last emit: the current list is the snapshot.
    if (this.batcher.changes(topic) === 0) this.snapshots.set(topic, json);
    return json;
  }

  /** Another node's presences on `topic` changed (PresenceReplication): shown at once, or counted when crowded. */
  remoteDiff(topic: string, diff: PresenceDiff): void {
    this.snapshots.delete(topic);
    if (!this.crowded.has(topic) && this.hasSubscribers(topic)) this.deps.show(topic, 'presence_diff', { ...diff });
    // The next window decides whether the topic is (still) crowded and what count to show.
    this.batcher.touch(topic, this.windowFor(topic));
  }

  /** This node's own presences, every topic (for a cluster state transfer). */
  snapshot(): Map<string, Presences> {
    return new Map([...this.states].map(([topic, state]) => [topic, state.list()]));
  }

  /** Sends what is pending now; called on shutdown. */
  flush(): void {
    this.batcher.flush();
  }

  /** The end of `topic`'s window: replicate our diff, then show the diff, the state or the count. */
  private emit(topic: string, diff: PresenceDiff): void {
    const changes = Object.keys(diff.joins).length + Object.keys(diff.leaves).length;
    if (this.warm.delete(topic)) {
      // Joiners are likely this window too: the list as every subscriber is about to be shown
      // it, and a next window (as long as this one, if this one was a storm's).
      if (changes >= LIMITS.presenceStormChanges) this.storming.add(topic);
      else this.storming.delete(topic);
      this.snapshots.set(topic, this.states.get(topic)?.json() ?? '{}');
      this.batcher.touch(topic, this.windowFor(topic));
    } else {
      // Nobody joined this window: the storm, the snapshot and the fragments end here.
      this.storming.delete(topic);
      this.snapshots.delete(topic);
      this.states.get(topic)?.dropFragments();
    }
    const changed = changes > 0;
    if (changed) this.deps.replicate?.(topic, diff);
    const count = this.count(topic);
    const shown = this.crowded.get(topic);
    if (shown === undefined && count >= this.crowdedAt) {
      this.crowded.set(topic, count);
      this.showIfWatched(topic, 'presence_state', {});
      this.showIfWatched(topic, 'presence_count', { count });
    } else if (shown !== undefined && count < this.uncrowdedBelow) {
      this.crowded.delete(topic);
      this.showIfWatched(topic, 'presence_state', this.list(topic));
    } else if (shown !== undefined) {
      if (count !== shown) {
        this.crowded.set(topic, count);
        this.showIfWatched(topic, 'presence_count', { count });
      }
    } else if (changed) {
      this.showIfWatched(topic, 'presence_diff', { ...diff });
    }
  }

  private showIfWatched(topic: string, event: PresenceEvent, payload: Record<string, unknown>): void {
    if (this.hasSubscribers(topic)) this.deps.show(topic, event, payload);
  }

  private hasSubscribers(topic: string): boolean {
    return this.deps.subscribers ? this.deps.subscribers(topic) > 0 : true;
  }

  /** LIMITS.presenceBatchMs, doubled for each doubling of subscribers past LIMITS.presenceBatchSubscribers;
   *  at least LIMITS.presenceStormMs for a topic in a storm. */
  private windowFor(topic: string): number {
    const subscribers = this.deps.subscribers?.(topic) ?? 0;
    let ms = this.baseWindowMs;
    for (let room = LIMITS.presenceBatchSubscribers; subscribers > room && ms < LIMITS.presenceBatchMaxMs; room *= 2) ms *= 2;
    if (this.storming.has(topic)) ms = Math.max(ms, LIMITS.presenceStormMs);
    return Math.min(ms, Math.max(this.baseWindowMs, LIMITS.presenceBatchMaxMs));
  }
}
