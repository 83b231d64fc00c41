/**
 * Preloaded into every server under test (`--import`): answers `sample` over the IPC channel the
 * harness opened. It adds nothing to the server's hot path and keeps no event loop alive.
 */
import { serveRpc } from '../core/rpc.ts';
import type { ProbeApi } from './probe-api.ts';

type MaybeGc = (() => void) | undefined;

if (process.send) {
  serveRpc<ProbeApi>({
    sample: async ({ gc }) => {
      const collect = (globalThis as { gc?: MaybeGc }).gc;
      if (gc && collect) {
        // twice, with a turn of the loop between: weak callbacks and finalizers free more
        collect();
        await new Promise((r) => setImmediate(r));
        collect();
      }
      const m = process.memoryUsage();
      const cpu = process.cpuUsage();
      return {
        rss: m.rss,
        heapUsed: m.heapUsed,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        gc: gc && collect !== undefined,
      };
    },
  });
  process.channel?.unref();
}

// --cpu-prof writes its profile only on a normal exit: when profiling and the server itself
// does not handle SIGTERM, exit normally on it instead of being killed.
if (process.execArgv.some((a) => a.startsWith('--cpu-prof'))) {
  process.once('SIGTERM', () => {
    if (process.listenerCount('SIGTERM') === 0) process.exit(0);
  });
}
