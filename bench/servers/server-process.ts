import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TSX_IMPORT, stopChild } from '../core/child.ts';
import { BENCH_LIMITS } from '../core/limits.ts';
import { MALLOC_ARENA_MAX } from '../core/machine.ts';
import { RpcClient } from '../core/rpc.ts';
import type { ProbeApi, ProbeSample } from './probe-api.ts';

const PROBE = fileURLToPath(new URL('./probe.ts', import.meta.url));

export interface ServerLaunch {
  /** for messages */
  name: string;
  /** node arguments after the probe: a script and its arguments */
  args: string[];
  env: Record<string, string>;
  port: number;
  cwd: string;
}

/**
 * A server under test in its own process, started with `--expose-gc` and the probe preloaded,
 * ready once `GET /healthz` answers 200. Its output is kept (last lines) for error messages.
 */
export class ServerProcess {
  private readonly lines: string[] = [];
  private readonly probe: RpcClient<ProbeApi>;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
    readonly port: number,
  ) {
    this.probe = new RpcClient<ProbeApi>(child, `${name} probe`);
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.lines.push(line.slice(0, 500));
        if (this.lines.length > BENCH_LIMITS.serverLogLines) this.lines.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** The server's last output lines. */
  log(): string {
    return this.lines.join('\n');
  }

  static async start(launch: ServerLaunch): Promise<ServerProcess> {
    const child = spawn(process.execPath, ['--expose-gc', ...TSX_IMPORT, '--import', PROBE, ...launch.args], {
      cwd: launch.cwd,
      // Every server under test runs with the allocator setting `npm start` uses (MALLOC_ARENA_MAX, see
      // bench/README.md); set it in the harness's environment to measure another.
      env: { MALLOC_ARENA_MAX, ...process.env, ...launch.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const server = new ServerProcess(child, launch.name, launch.port);
    const deadline = Date.now() + BENCH_LIMITS.serverStartMs;
    while (Date.now() < deadline) {
      if (server.exited) throw new Error(`${launch.name} exited during start-up (${child.exitCode ?? child.signalCode}):\n${server.log()}`);
      try {
        const res = await fetch(`http://127.0.0.1:${launch.port}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return server;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await stopChild(child, 0);
    throw new Error(`${launch.name} did not answer /healthz within ${BENCH_LIMITS.serverStartMs} ms:\n${server.log()}`);
  }

  /** Memory after a full GC (when `gc`) and CPU time so far. */
  sample(gc = true): Promise<ProbeSample> {
    return this.probe.call('sample', { gc }, BENCH_LIMITS.rpcMs);
  }

  /** Starts the server's CPU profiler; `stopProfile` writes what it sampled since. */
  async startProfile(): Promise<void> {
    await this.probe.call('profile', { action: 'start' }, BENCH_LIMITS.rpcMs);
  }

  async stopProfile(path: string): Promise<void> {
    await this.probe.call('profile', { action: 'stop', path }, BENCH_LIMITS.rpcMs);
  }

  stop(): Promise<void> {
    return stopChild(this.child, BENCH_LIMITS.serverStopMs);
  }
}
