/**
 * `renraku` (bin/renraku.mjs, what `npm start` runs) runs the server compiled to JavaScript by
 * `npm run build`, with no tsx anywhere in its process: not in the main thread, not in the
 * SQLite append thread. The build is made here from the tree under test, as `prepare` makes it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { buildServer } from '../support/build-server.ts';
import { within } from '../support/phoenix-helpers.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin', 'renraku.mjs');
/** The child's loader logs every module it resolves and loads (ESM and CommonJS). */
const MODULE_LOG = { NODE_DEBUG: 'esm,module', NODE_OPTIONS: '' };

describe('the renraku command runs the compiled build', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'renraku-build-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  before(buildServer);

  test('start serves from dist/ and loads no tsx, in the main thread or the append thread', async () => {
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: { ...process.env, ...MODULE_LOG, RENRAKU_DATA_DIR: join(tempDir(), 'data'), RENRAKU_HTTP_PORT: '0', RENRAKU_SMTP_PORT: '0', RENRAKU_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let log = '';
    // The append thread starts at start-up (warm-up); wait until it has loaded its entry too.
    const url = await within(60_000, 'the start banner and the append thread', new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const banner = /Renraku is running: open (http:\/\/\S+)/.exec(log);
        if (banner && log.includes('/sqlite-append-worker.')) resolve(banner[1]!);
      });
      void exited.then((code) => reject(new Error(`exited ${code}: ${log.slice(-4000)}`)));
    }));
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    child.kill('SIGTERM');
    assert.equal(await within(10_000, 'exit after SIGTERM', exited), 0);
    assert.ok(log.includes('/dist/cli/main.js'), 'the module log lists what the process loaded');
    assert.ok(log.includes('/dist/adapters/store/sqlite-append-worker.js'), 'the append thread runs its compiled entry');
    assert.ok(!log.includes(join(REPO, 'src') + '/'), 'no module from the sources');
    const tsx = log.split('\n').filter((line) => line.includes('/node_modules/tsx/'));
    assert.deepEqual(tsx.slice(0, 3), [], 'no tsx module');
  });

  test('without a build it says to run `npm run build` and exits 1', () => {
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin);
    copyFileSync(BIN, join(bin, 'renraku.mjs'));
    const res = spawnSync(process.execPath, [join(bin, 'renraku.mjs'), 'start'], { env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8' });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /the server is not built \(.*dist\/cli\/main\.js is missing\): run `npm run build`/);
  });
});
