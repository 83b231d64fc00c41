import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { within } from './phoenix-helpers.ts';
import { RENRAKU_FROM_SOURCES } from './renraku-sources.ts';

const START_TIMEOUT_MS = 90_000;

/** One `renraku start` process of a cluster under test. */
export interface NodeProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>` (a proxy target). */
  readonly hostPort: string;
  readonly child: ChildProcess;
  /** What the process wrote to stdout and stderr (pino JSON logs and the banner). */
  output(): string;
  /** SIGKILL: no drain, no goodbye — as a crash. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM: graceful drain; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `renraku start` from the sources (renraku-sources.ts) on a free port with `env` on top of this process's
 * environment (SMTP off, its own data dir), and resolves once it prints its start banner.
 */
export async function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'renraku-node-'));
  const child = spawn(process.execPath, [...RENRAKU_FROM_SOURCES, 'start'], {
    env: { ...process.env, RENRAKU_HTTP_PORT: String(port), RENRAKU_DATA_DIR: dataDir, RENRAKU_SMTP_PORT: '0', RENRAKU_LOG_LEVEL: 'info', RENRAKU_THROTTLE_EXEMPT: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => {
    if (signal !== null) output += `\n(killed by ${signal})\n`;
    rmSync(dataDir, { recursive: true, force: true });
    resolve(code);
  }));
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  void exited.then(() => process.removeListener('exit', killNow));
  // Bounded generously: a node compiles its TypeScript at start, slow on a busy machine.
  await within(START_TIMEOUT_MS, `node on port ${port} to start`, new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Renraku is running')) resolve();
    });
    void exited.then((code) => reject(new Error(`node on port ${port} exited (${code}) before it started:\n${output}`)));
  })).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    child,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return within(15_000, `node on port ${port} to drain and exit`, exited);
    },
  };
}
