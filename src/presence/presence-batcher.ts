import { LIMITS } from '../config/limits.ts';
import type { Timers } from '../domain/clock.ts';
import { DiffAccumulator, type PresenceDiff } from './presence-state.ts';

/**
 * Collects presence diffs per topic and emits at most one merged `presence_diff` per topic per
 * window (LIMITS.presenceBatchMs), so a storm of N joins into one room costs each member a few
 * frames instead of N. One timer for all topics, armed only while something is pending.
 * Diffs that cancel out inside a window emit nothing.
 */
export class PresenceBatcher {
  private readonly timers: Timers;
  private readonly windowMs: number;
  private readonly emit: (topic: string, diff: PresenceDiff) => void;
  private pending = new Map<string, DiffAccumulator>();
  private timer: unknown = undefined;

  constructor(deps: { timers: Timers; emit: (topic: string, diff: PresenceDiff) => void; windowMs?: number }) {
    this.timers = deps.timers;
    this.emit = deps.emit;
    this.windowMs = deps.windowMs ?? LIMITS.presenceBatchMs;
  }

  add(topic: string, diff: PresenceDiff): void {
    let acc = this.pending.get(topic);
    if (!acc) this.pending.set(topic, (acc = new DiffAccumulator()));
    acc.add(diff);
    if (this.timer === undefined) this.timer = this.timers.setTimeout(() => this.flush(), this.windowMs);
  }

  /** Emits everything pending now (also what the timer does). */
  flush(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    this.pending = new Map();
    for (const [topic, acc] of pending) {
      if (!acc.isEmpty) this.emit(topic, acc.take());
    }
  }
}
