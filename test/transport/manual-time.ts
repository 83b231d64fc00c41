import type { Clock, Timers } from '../../src/domain/clock.ts';

interface Scheduled {
  at: number;
  fn: () => void;
  every: number | undefined;
}

/**
 * A clock and timers that move only when told: `advance(ms)` runs every timer due in that
 * span, in time order, with `now()` set to each one's due time. No real waiting.
 */
export class ManualTime implements Clock, Timers {
  private time: number;
  private readonly scheduled = new Map<number, Scheduled>();
  private nextId = 1;

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    return this.add(fn, ms, undefined);
  }

  setInterval(fn: () => void, ms: number): unknown {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearTimeout(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }

  clearInterval(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }

  /** Timers still armed. */
  get pending(): number {
    return this.scheduled.size;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let nextId: number | undefined;
      let next: Scheduled | undefined;
      for (const [id, s] of this.scheduled) {
        if (s.at <= end && (!next || s.at < next.at)) [nextId, next] = [id, s];
      }
      if (!next || nextId === undefined) break;
      this.time = next.at;
      if (next.every === undefined) this.scheduled.delete(nextId);
      else next.at += next.every;
      next.fn();
    }
    this.time = end;
  }

  private add(fn: () => void, ms: number, every: number | undefined): number {
    const id = this.nextId++;
    this.scheduled.set(id, { at: this.time + Math.max(0, ms), fn, every });
    return id;
  }
}
