import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';

/** How late a process's event loop ran and how long its GC paused, since the last `read(true)`. */
export interface Stalls {
  /** how late a 5 ms timer fired: 99th percentile and worst, ms */
  loop_p99_ms: number;
  loop_max_ms: number;
  /** V8 GC pauses (main thread): the longest and their sum, ms */
  gc_max_ms: number;
  gc_total_ms: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Watches one process for stalls: the event loop's delay (node's `monitorEventLoopDelay`, a
 * 5 ms timer) and GC pauses (`gc` performance entries). A latency tail that a server's or a
 * load worker's stalls explain shows up here, so a p99 can be read against them.
 */
export class StallWatch {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });
  private gcMax = 0;
  private gcTotal = 0;
  private readonly gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      this.gcMax = Math.max(this.gcMax, e.duration);
      this.gcTotal += e.duration;
    }
  });

  constructor() {
    this.loop.enable();
    this.gc.observe({ entryTypes: ['gc'] });
  }

  read(reset: boolean): Stalls {
    // the histogram holds nanoseconds; its delay includes the 5 ms resolution itself
    const ms = (ns: number) => round2(Math.max(0, ns / 1e6 - 5));
    const s: Stalls = {
      loop_p99_ms: this.loop.count > 0 ? ms(this.loop.percentile(99)) : 0,
      loop_max_ms: this.loop.count > 0 ? ms(this.loop.max) : 0,
      gc_max_ms: round2(this.gcMax),
      gc_total_ms: round2(this.gcTotal),
    };
    if (reset) {
      this.loop.reset();
      this.gcMax = 0;
      this.gcTotal = 0;
    }
    return s;
  }
}

/** Several processes' stalls as one: the worst of each figure, GC time summed. */
export function worstStalls(all: readonly Stalls[]): Stalls {
  return {
    loop_p99_ms: Math.max(0, ...all.map((s) => s.loop_p99_ms)),
    loop_max_ms: Math.max(0, ...all.map((s) => s.loop_max_ms)),
    gc_max_ms: Math.max(0, ...all.map((s) => s.gc_max_ms)),
    gc_total_ms: round2(all.reduce((n, s) => n + s.gc_total_ms, 0)),
  };
}
