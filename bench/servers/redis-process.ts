import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from '../core/child.ts';
import { freePort } from '../core/free-port.ts';
import { BENCH_LIMITS } from '../core/limits.ts';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const CLOCK_TICKS_PER_S = 100;

/** CPU time (user + system, µs) a process used so far, from /proc/<pid>/stat; null where
 *  there is no /proc. 10 ms resolution. */
export function procCpuUs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces) start at field 3
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    return Number.isFinite(ticks) ? (ticks * 1e6) / CLOCK_TICKS_PER_S : null;
  } catch {
    return null;
  }
}

/** Resident memory of a process in bytes from /proc/<pid>/status (VmRSS); null without /proc. */
export function procRssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (b) => done(b.toString().startsWith('+PONG')));
  });
}

/**
 * A private `redis-server` for one run: loopback only, a free port, a temporary directory,
 * nothing saved. Its own process, so its CPU can be read from /proc.
 */
export class RedisProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    private readonly output: () => string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  cpuUs(): number | null {
    return procCpuUs(this.pid);
  }

  static async start(binary: string): Promise<RedisProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'renraku-bench-redis-'));
    const port = await freePort();
    const child = spawn(binary, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--maxclients', '1000'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const keep = (b: Buffer) => {
      log = (log + b.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let spawnError: Error | null = null;
    child.once('error', (e) => {
      spawnError = e;
    });
    const redis = new RedisProcess(child, dir, port, () => log);
    const deadline = Date.now() + BENCH_LIMITS.serverStartMs;
    while (Date.now() < deadline) {
      if (spawnError || child.exitCode !== null) {
        await rm(dir, { recursive: true, force: true });
        throw new Error(`${binary} did not start (${spawnError ? (spawnError as Error).message : `exit ${child.exitCode}`}):\n${log}`);
      }
      if (await ping(port)) return redis;
      await new Promise((r) => setTimeout(r, 100));
    }
    await redis.stop();
    throw new Error(`${binary} did not answer PING within ${BENCH_LIMITS.serverStartMs} ms:\n${log}`);
  }

  log(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    await stopChild(this.child, BENCH_LIMITS.serverStopMs);
    await rm(this.dir, { recursive: true, force: true });
  }
}
