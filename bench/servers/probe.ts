/**
 * Preloaded into every server under test (`--import`): answers `sample` (memory after GC, CPU
 * time) and `profile` (the V8 sampling profiler around one measured phase, through an in-process
 * inspector session) over the IPC channel the harness opened, and watches the server's stalls
 * (StallWatch: a 5 ms loop-delay timer and a GC observer, the same in every server measured).
 * It adds nothing to the server's hot path and keeps no event loop alive.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { Session } from 'node:inspector';
import { dirname } from 'node:path';
import { serveRpc } from '../core/rpc.ts';
import { StallWatch } from '../core/stall-watch.ts';
import type { ProbeApi } from './probe-api.ts';

function post(session: Session, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result))));
}

let inspector: Session | null = null;
/** `RENRAKU_BENCH_HEAP_SNAPSHOT=<prefix>`: every sample after GC also writes `<prefix>-<n>.heapsnapshot` (to see what a connection holds). */
const snapshotPrefix = process.env.RENRAKU_BENCH_HEAP_SNAPSHOT;
let snapshots = 0;

type MaybeGc = (() => void) | undefined;

if (process.send) {
  const stalls = new StallWatch();
  serveRpc<ProbeApi>({
    sample: async ({ gc }) => {
      // read before the forced GC below, which is the probe's, not the server's
      const since = stalls.read(true);
      const collect = (globalThis as { gc?: MaybeGc }).gc;
      if (gc && collect) {
        // twice, with a turn of the loop between: weak callbacks and finalizers free more
        collect();
        await new Promise((r) => setImmediate(r));
        collect();
      }
      if (gc && snapshotPrefix) writeHeapSnapshot(`${snapshotPrefix}-${++snapshots}.heapsnapshot`);
      const m = process.memoryUsage();
      const v8 = getHeapStatistics();
      const cpu = process.cpuUsage();
      return {
        rss: m.rss,
        heapUsed: m.heapUsed,
        heapTotal: m.heapTotal,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        v8Malloced: v8.malloced_memory,
        v8PeakMalloced: v8.peak_malloced_memory,
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        gc: gc && collect !== undefined,
        stalls: since,
      };
    },
    profile: async (p) => {
      if (p.action === 'start') {
        inspector ??= new Session();
        inspector.connect();
        await post(inspector, 'Profiler.enable');
        await post(inspector, 'Profiler.start');
        return { written: null };
      }
      if (!inspector) return { written: null };
      const { profile } = (await post(inspector, 'Profiler.stop')) as { profile: unknown };
      inspector.disconnect();
      mkdirSync(dirname(p.path), { recursive: true });
      writeFileSync(p.path, JSON.stringify(profile));
      return { written: p.path };
    },
  });
  process.channel?.unref();
}
