import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

/** `diag stats`: one node's health at a glance. Sizes in bytes, times in milliseconds. */
export interface NodeStats {
  node: string;
  pid: number;
  nodeVersion: string;
  uptimeMs: number;
  memory: NodeJS.MemoryUsage;
  heapSpaces: Array<{ name: string; size: number; used: number; available: number }>;
  eventLoop: { delayP50Ms: number; delayP99Ms: number; delayMaxMs: number; utilization: number };
  /** Active libuv resources by type (what keeps the process alive: sockets, timers, …). */
  handles: Record<string, number>;
  connections: number;
  channels: number;
}

/**
 * The event loop as the process sees it: a delay histogram (perf_hooks, 10 ms resolution)
 * and utilization since the previous reading. Readings reset the histogram, so each answer
 * covers the time since the last one.
 */
export class EventLoopMonitor {
  private readonly histogram: IntervalHistogram;
  private last: EventLoopUtilization;

  constructor() {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.last = performance.eventLoopUtilization();
  }

  read(): NodeStats['eventLoop'] {
    const h = this.histogram;
    const ms = (ns: number): number => (Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : 0);
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, this.last);
    this.last = now;
    const reading = { delayP50Ms: ms(h.percentile(50)), delayP99Ms: ms(h.percentile(99)), delayMaxMs: ms(h.max), utilization: Math.round(since.utilization * 1000) / 1000 };
    h.reset();
    return reading;
  }

  stop(): void {
    this.histogram.disable();
  }
}

export function readNodeStats(deps: { nodeId: string; startedAt: number; now: number; loop: EventLoopMonitor; realtime: { stats(): { connections: number; channels: number } } }): NodeStats {
  const handles: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) handles[type] = (handles[type] ?? 0) + 1;
  const { connections, channels } = deps.realtime.stats();
  return {
    node: deps.nodeId,
    pid: process.pid,
    nodeVersion: process.version,
    uptimeMs: deps.now - deps.startedAt,
    memory: process.memoryUsage(),
    heapSpaces: getHeapSpaceStatistics().map((s) => ({ name: s.space_name, size: s.space_size, used: s.space_used_size, available: s.space_available_size })),
    eventLoop: deps.loop.read(),
    handles,
    connections,
    channels,
  };
}
