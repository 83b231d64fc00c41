import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireServiceOrSkip } from './free-port.ts';

/** A private Redis server for one test file. */
export interface PrivateRedis {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /**
   * Kills the server (SIGKILL: clients see their connections reset, as when Redis crashes),
   * runs `whileDown` if given, and starts a fresh server on the same port (empty: nothing is
   * saved). Resolves once it answers PING again.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** Kills the server and removes its directory. */
  stop(): Promise<void>;
}

/** How long a starting server may take to be ready before the test fails. */
const START_TIMEOUT_MS = 10_000;

function binary(): string {
  return process.env.REDIS_SERVER ?? 'redis-server';
}

export function redisAvailable(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync(binary(), ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? { ok: true } : { ok: false, reason: `${binary()} --version failed: ${probe.error?.message ?? probe.stderr}` };
}

/** `describe(name, requireRedisOrSkip(name), () => …)`: see requireServiceOrSkip. */
export function requireRedisOrSkip(
  suite: string,
  probe: { available: ReturnType<typeof redisAvailable>; ci: boolean } = { available: redisAvailable(), ci: process.env.CI === 'true' },
): { skip: string | false } {
  return requireServiceOrSkip('Redis', suite, probe);
}

/**
 * Resolves once the server logs that it accepts connections and then answers PING; rejects
 * when it exits first or after `timeoutMs`. Event-driven: no polling.
 */
function waitUntilReady(port: number, server: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`redis-server on port ${port} was not ready within ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const onExit = (code: number | null) => fail(new Error(`redis-server exited (${code}) before it was ready:\n${log}`));
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (!log.includes('Ready to accept connections')) return;
      server.stdout?.off('data', onData);
      ping(port).then((ok) => (ok ? finish() : fail(new Error(`redis-server on port ${port} said it was ready but did not answer PING`))), fail);
    };
    function finish(): void {
      clearTimeout(timer);
      server.off('exit', onExit);
      server.stdout?.resume();
      resolve();
    }
    function fail(error: Error): void {
      clearTimeout(timer);
      server.off('exit', onExit);
      server.stdout?.off('data', onData);
      reject(error);
    }
    server.once('exit', onExit);
    server.stdout?.on('data', onData);
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/**
 * Starts a throwaway `redis-server` from the installed binary: 127.0.0.1 on a free port,
 * nothing persisted (`--save "" --appendonly no`), its files in a temp dir. A process that
 * exits without calling `stop()` still kills it.
 */
export async function startRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'renraku-redis-'));
  const port = await freePort();
  let server: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const child = spawn(binary(), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    server = child;
    await waitUntilReady(port, child, START_TIMEOUT_MS);
  };
  const kill = async (): Promise<void> => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  };
  const killNow = (): void => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killNow);
  try {
    await launch();
  } catch (error) {
    process.removeListener('exit', killNow);
    killNow();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(whileDown) {
      await kill();
      await whileDown?.();
      await launch();
    },
    async stop() {
      process.removeListener('exit', killNow);
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
