import { LIMITS } from '../config/limits.ts';
import type { Timers } from '../domain/clock.ts';
import { DiffAccumulator, type PresenceDiff, type PresenceMeta } from './presence-state.ts';

/** One topic's changes waiting for the end of its window. */
interface Pending {
  readonly acc: DiffAccumulator;
  timer: unknown;
  /** Emit even when the diff is empty (see `touch`). */
  touched: boolean;
  /** The window's length, as last set (`stretch` can lengthen it). */
  windowMs: number;
}

/**
 * Collects presence diffs per topic and emits at most one merged `presence_diff` per topic per
 * window, so a storm of N joins into one room costs each member a few frames instead of N.
 * A topic's window starts with its first change and lasts the length given with it (a bigger
 * room gets a longer one: see PresenceTracker); `stretch` lengthens a window under way. One
 * timer per topic with changes pending, none for the others: node's timers of one length
 * share one list, so this is a handful of lists however many rooms churn. Diffs that cancel
 * out inside a window emit nothing (unless the topic was touched; with `keepLeaves`, a join
 * and leave of one ref emit the leave).
 */
export class PresenceBatcher {
  private readonly timers: Timers;
  private readonly windowMs: number;
  private readonly emit: (topic: string, diff: PresenceDiff) => void;
  private readonly pending = new Map<string, Pending>();
  private readonly keepLeaves: boolean;

  /** `keepLeaves`: see DiffAccumulator (needed when joiners are shown the current list). */
  constructor(deps: { timers: Timers; emit: (topic: string, diff: PresenceDiff) => void; windowMs?: number; keepLeaves?: boolean }) {
    this.timers = deps.timers;
    this.keepLeaves = deps.keepLeaves ?? false;
    this.emit = deps.emit;
    this.windowMs = deps.windowMs ?? LIMITS.presenceBatchMs;
  }

  /** Queues `diff` for `topic` in its window (a new one of `windowMs`, default the base window). */
  add(topic: string, diff: PresenceDiff, windowMs = this.windowMs): void {
    this.entry(topic, windowMs).acc.add(diff);
  }

  /** `add` of a diff joining one meta of `key` (a track: no diff object is made). */
  addJoin(topic: string, key: string, meta: PresenceMeta, windowMs = this.windowMs): void {
    this.entry(topic, windowMs).acc.addJoin(key, meta);
  }

  /** Makes `topic` emit at the end of its window even if nothing (or nothing net) is added. */
  touch(topic: string, windowMs = this.windowMs): void {
    this.entry(topic, windowMs).touched = true;
  }

  /** Makes `topic`'s window under way end `windowMs` from now, if that is later than its length so far. */
  stretch(topic: string, windowMs: number): void {
    const pending = this.pending.get(topic);
    if (!pending || pending.windowMs >= windowMs) return;
    this.timers.clearTimeout(pending.timer);
    pending.windowMs = windowMs;
    pending.timer = this.timers.setTimeout(() => this.flushTopic(topic), windowMs);
  }

  /** Keys joined or left in `topic`'s window so far; 0 when nothing is waiting (joins and leaves that cancel out count: see DiffAccumulator). */
  changes(topic: string): number {
    return this.pending.get(topic)?.acc.changes ?? 0;
  }

  /** Emits everything pending now (also what the timers do). */
  flush(): void {
    for (const topic of [...this.pending.keys()]) this.flushTopic(topic);
  }

  private entry(topic: string, windowMs: number): Pending {
    let pending = this.pending.get(topic);
    if (!pending) {
      pending = { acc: new DiffAccumulator({ keepLeaves: this.keepLeaves }), timer: undefined, touched: false, windowMs };
      pending.timer = this.timers.setTimeout(() => this.flushTopic(topic), windowMs);
      this.pending.set(topic, pending);
    }
    return pending;
  }

  private flushTopic(topic: string): void {
    const pending = this.pending.get(topic);
    if (!pending) return;
    this.timers.clearTimeout(pending.timer);
    this.pending.delete(topic);
    if (!pending.acc.isEmpty || pending.touched) this.emit(topic, pending.acc.take());
  }
}
