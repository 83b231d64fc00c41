import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../core/free-port.ts';
import { BENCH_LIMITS } from '../core/limits.ts';
import { RENRAKU_NODE_FLAGS } from '../core/machine.ts';
import { seedThroughApi } from './api-seeder.ts';
import { ScratchDatabase } from './scratch-database.ts';
import { ServerProcess } from './server-process.ts';
import type { Layout, Seed } from './seed.ts';
import type { RunningTarget, TargetOptions } from './target.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENRAKU_BIN = join(REPO_ROOT, 'bin', 'renraku.mjs');
/** What RENRAKU_BIN runs: the server compiled by `npm run build:server` (`npm run bench` runs it first). */
const RENRAKU_BUILD = join(REPO_ROOT, 'dist', 'cli', 'main.js');
/** Arguments to node for `renraku start` as `npm start` runs it (the compiled build). */
export const RENRAKU_START: readonly string[] = [...RENRAKU_NODE_FLAGS, RENRAKU_BIN, 'start'];

/** The benchmark measures the server, not its flood guard: per-socket message limits are
 *  lifted so one publisher can saturate a room (the harness's own pacing sets the rate). */
export const UNLIMITED_MESSAGES = '1000000';

export function isSeed(v: unknown): v is Seed {
  const s = v as Seed;
  return (
    typeof s === 'object' && s !== null && typeof s.group_id === 'string' && Array.isArray(s.rooms) && Array.isArray(s.users) &&
    s.rooms.every((r) => typeof r.id === 'string' && Array.isArray(r.members)) &&
    s.users.every((u) => typeof u.id === 'string' && typeof u.socket_token === 'string')
  );
}

/** `renraku seed`: users, group and rooms written straight into the store, real socket tokens. */
export function runSeedCommand(env: Record<string, string>, layout: Layout, out: string): Promise<{ ok: boolean; output: string }> {
  const args = [RENRAKU_BIN, 'seed', '--users', String(layout.users), '--rooms', String(layout.rooms), '--members-per-room', String(layout.membersPerRoom), '--out', out];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      output = (output + b.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), BENCH_LIMITS.seedMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, output: signal ? `${output}\n(killed: ${signal})` : output });
    });
  });
}

/**
 * Renraku as built from this tree (`node bin/renraku.mjs start`, the compiled build) on a free
 * port with a scratch data directory (and a scratch PostgreSQL database with `store: postgres`),
 * SMTP off.
 * Seeds with `renraku seed`; falls back to the HTTP API for small runs while that command is
 * missing.
 */
export async function startRenraku(opts: TargetOptions): Promise<RunningTarget> {
  if (!existsSync(RENRAKU_BUILD)) throw new Error(`${RENRAKU_BUILD} is missing: run \`npm run build:server\` (\`npm run bench\` does)`);
  const dir = await mkdtemp(join(tmpdir(), 'renraku-bench-'));
  const db = opts.store === 'postgres' ? await ScratchDatabase.create(opts.postgresUrl) : null;
  const port = await freePort();
  const env: Record<string, string> = {
    RENRAKU_HOST: '127.0.0.1',
    RENRAKU_HTTP_PORT: String(port),
    RENRAKU_DATA_DIR: dir,
    RENRAKU_SMTP_PORT: '0',
    RENRAKU_LOG_LEVEL: 'warn',
    RENRAKU_MESSAGE_RATE: UNLIMITED_MESSAGES,
    RENRAKU_MESSAGE_BURST: UNLIMITED_MESSAGES,
    // The bench seeds and signs in hundreds of people from this one address.
    RENRAKU_THROTTLE_EXEMPT: '127.0.0.1',
    ...(db ? { RENRAKU_DATABASE_URL: db.url } : {}),
  };
  const cleanup = async () => {
    await db?.drop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  let server: ServerProcess;
  try {
    server = await ServerProcess.start({ name: 'renraku', args: [...RENRAKU_START], env, port, cwd: REPO_ROOT });
  } catch (e) {
    await cleanup();
    throw e;
  }
  return {
    name: 'renraku',
    wire: 'phoenix',
    base: `ws://127.0.0.1:${port}`,
    server,
    supportsRecovery: true,
    async seed(layout: Layout): Promise<Seed> {
      const out = join(dir, `seed-${Date.now()}.json`);
      const run = await runSeedCommand(env, layout, out);
      if (run.ok) {
        const seed: unknown = JSON.parse(await readFile(out, 'utf8'));
        if (!isSeed(seed)) throw new Error(`renraku seed wrote an unexpected shape to ${out}`);
        return seed;
      }
      if (layout.users > BENCH_LIMITS.maxApiSeedUsers) throw new Error(`renraku seed failed:\n${run.output}`);
      process.stderr.write(`bench: renraku seed failed, seeding ${layout.users} users through the HTTP API instead:\n${run.output.split('\n').filter((l) => l && !l.startsWith('    at ')).slice(-6).join('\n')}\n`);
      return seedThroughApi(`http://127.0.0.1:${port}`, layout);
    },
    async stop() {
      await server.stop();
      await cleanup();
    },
  };
}
