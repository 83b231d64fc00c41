import type { Stalls } from '../core/stall-watch.ts';

/**
 * What the probe inside a server process reports: memory after a full GC and the process's CPU
 * time so far. Read the same way from Renraku and the peers, so their numbers compare.
 */
export interface ProbeSample {
  rss: number;
  heapUsed: number;
  /** V8 heap committed (used, free pages kept, the young generation's semi-spaces) */
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** memory V8 holds outside its heap (compiler zones, tables): now, and the most it ever held */
  v8Malloced: number;
  v8PeakMalloced: number;
  /** process.cpuUsage(): every thread of the process, in µs */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** whether a full GC ran first (the server was started with --expose-gc) */
  gc: boolean;
  /** the server's loop delay and GC pauses since the previous sample */
  stalls: Stalls;
}

export type ProbeApi = {
  sample: { params: { gc: boolean }; result: ProbeSample };
  /** start the V8 sampling profiler, or stop it and write the profile to `path` */
  profile: { params: { action: 'start' } | { action: 'stop'; path: string }; result: { written: string | null } };
};
