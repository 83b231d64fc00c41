import { mkdirSync, statSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { LIMITS } from '../config/limits.ts';
import { AppError } from '../domain/app-error.ts';
import type { Timers } from '../domain/clock.ts';

/** Where a node writes its heap snapshots and CPU profiles: `<data dir>/diag`, readable by its owner only. */
export function dumpDir(dataDir: string): string {
  const dir = join(dataDir, 'diag');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function stamp(nodeId: string, now: number): string {
  return `${nodeId.replace(/[^A-Za-z0-9_-]/g, '_')}-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * A heap snapshot, written synchronously: the node stops answering while V8 walks the heap
 * (about a second per 100 MB used) and needs about as much memory again. Above
 * LIMITS.opsHeapSnapshotMaxBytes of used heap it is refused unless forced.
 */
export function takeHeapSnapshot(opts: { dir: string; nodeId: string; now: number; force: boolean; maxBytes?: number }): { path: string; bytes: number; pausedMs: number; heapUsed: number; warning: string } {
  const heapUsed = process.memoryUsage().heapUsed;
  const maxBytes = opts.maxBytes ?? LIMITS.opsHeapSnapshotMaxBytes;
  if (heapUsed > maxBytes && !opts.force) {
    throw new AppError('heap_too_large', `The heap holds ${mb(heapUsed)} MB, above the ${mb(maxBytes)} MB bound: the node would stop for seconds. Add --force to take it anyway.`, { heap_used: heapUsed });
  }
  const path = join(opts.dir, `heap-${stamp(opts.nodeId, opts.now)}.heapsnapshot`);
  const start = performance.now();
  writeHeapSnapshot(path);
  const pausedMs = Math.round(performance.now() - start);
  return { path, bytes: statSync(path).size, pausedMs, heapUsed, warning: `The node did not answer for ${pausedMs} ms while the snapshot was written.` };
}

/** A CPU profile of `seconds` (node:inspector, in-process), written as a `.cpuprofile` for Chrome DevTools. */
export async function takeCpuProfile(opts: { dir: string; nodeId: string; now: number; seconds: number; timers: Timers }): Promise<{ path: string; bytes: number; seconds: number }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await new Promise<void>((resolve) => opts.timers.setTimeout(resolve, opts.seconds * 1000));
    const { profile } = await session.post('Profiler.stop');
    const path = join(opts.dir, `cpu-${stamp(opts.nodeId, opts.now)}.cpuprofile`);
    const text = JSON.stringify(profile);
    await writeFile(path, text, { mode: 0o600 });
    return { path, bytes: Buffer.byteLength(text), seconds: opts.seconds };
  } finally {
    session.disconnect();
  }
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}
