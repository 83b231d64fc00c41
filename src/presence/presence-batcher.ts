import { LIMITS } from '../config/limits.ts';
import type { Timers } from '../domain/clock.ts';
import { DiffAccumulator, type PresenceDiff, type PresenceMeta } from './presence-state.ts';

/** Topics pending in one window length, with the one timer that ends their window. */
interface Window {
  pending: Map<string, DiffAccumulator>;
  /** Topics to emit even when their diff is empty (see `touch`). */
  touched: Set<string>;
  timer: unknown;
}

/**
 * Collects presence diffs per topic and emits at most one merged `presence_diff` per topic per
 * window, so a storm of N joins into one room costs each member a few frames instead of N.
 * A topic's window is given per `add` (a bigger room gets a longer one: see PresenceTracker);
 * one timer per distinct window length, armed only while something is pending in it — a
 * handful of timers for the whole node, never one per topic or socket. Diffs that cancel out
 * inside a window emit nothing (unless the topic was touched; with `keepLeaves`, a join and
 * leave of one ref emit the leave).
 */
export class PresenceBatcher {
  private readonly timers: Timers;
  private readonly windowMs: number;
  private readonly emit: (topic: string, diff: PresenceDiff) => void;
  private readonly windows = new Map<number, Window>();

  private readonly keepLeaves: boolean;

  /** `keepLeaves`: see DiffAccumulator (needed when joiners are shown the current list). */
  constructor(deps: { timers: Timers; emit: (topic: string, diff: PresenceDiff) => void; windowMs?: number; keepLeaves?: boolean }) {
    this.timers = deps.timers;
    this.keepLeaves = deps.keepLeaves ?? false;
    this.emit = deps.emit;
    this.windowMs = deps.windowMs ?? LIMITS.presenceBatchMs;
  }

  /** Queues `diff` for `topic` in the window of `windowMs` (default: the base window). */
  add(topic: string, diff: PresenceDiff, windowMs = this.windowMs): void {
    this.accumulator(topic, windowMs).add(diff);
  }

  /** `add` of a diff joining one meta of `key` (a track: no diff object is made). */
  addJoin(topic: string, key: string, meta: PresenceMeta, windowMs = this.windowMs): void {
    this.accumulator(topic, windowMs).addJoin(key, meta);
  }

  /** Makes `topic` emit at the end of its window even if nothing (or nothing net) is added. */
  touch(topic: string, windowMs = this.windowMs): void {
    this.accumulator(topic, windowMs);
    this.windows.get(this.windowOf(topic) ?? windowMs)?.touched.add(topic);
  }

  /** True when changes to `topic` are waiting for its window's end (joins and leaves that cancel out count: see DiffAccumulator). */
  hasChanges(topic: string): boolean {
    for (const window of this.windows.values()) {
      const acc = window.pending.get(topic);
      if (acc) return !acc.isEmpty;
    }
    return false;
  }

  /** Emits everything pending now (also what the timers do). */
  flush(): void {
    for (const ms of [...this.windows.keys()]) this.flushWindow(ms);
  }

  private accumulator(topic: string, windowMs: number): DiffAccumulator {
    // A topic already pending keeps the window it started in.
    const ms = this.windowOf(topic) ?? windowMs;
    let window = this.windows.get(ms);
    if (!window) {
      window = { pending: new Map(), touched: new Set(), timer: this.timers.setTimeout(() => this.flushWindow(ms), ms) };
      this.windows.set(ms, window);
    }
    let acc = window.pending.get(topic);
    if (!acc) window.pending.set(topic, (acc = new DiffAccumulator({ keepLeaves: this.keepLeaves })));
    return acc;
  }

  private windowOf(topic: string): number | undefined {
    for (const [ms, window] of this.windows) if (window.pending.has(topic)) return ms;
    return undefined;
  }

  private flushWindow(ms: number): void {
    const window = this.windows.get(ms);
    if (!window) return;
    this.timers.clearTimeout(window.timer);
    this.windows.delete(ms);
    for (const [topic, acc] of window.pending) {
      if (!acc.isEmpty || window.touched.has(topic)) this.emit(topic, acc.take());
    }
  }
}
