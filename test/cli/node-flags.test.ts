/**
 * The Node flags Renraku's server runs with (bin/node-flags.json, see docs/operations.md,
 * "Memory") are the same wherever it is started: `npm start`, `npm run cluster`, the systemd
 * unit in docs/deploy.md and the benchmark harness — and node accepts them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RENRAKU_START } from '../../bench/servers/renraku-target.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const flags = JSON.parse(read('bin/node-flags.json')) as unknown;

test('bin/node-flags.json lists node options that node accepts', () => {
  assert.ok(Array.isArray(flags) && flags.length > 0 && flags.every((f) => typeof f === 'string' && f.startsWith('--')));
  const run = spawnSync(process.execPath, [...(flags as string[]), '-e', 'process.exit(0)'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});

test('npm start, npm run cluster, the systemd unit and the bench start the server with them', () => {
  const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const execStart = read('docs/deploy.md').split('\n').find((line) => line.startsWith('ExecStart=')) ?? '';
  for (const flag of flags as string[]) {
    assert.match(start, new RegExp(` ${flag} bin/renraku\\.mjs start`), 'npm start');
    assert.ok(execStart.includes(` ${flag} `), `docs/deploy.md ExecStart: ${execStart}`);
  }
  assert.match(read('scripts/cluster.mjs'), /bin\/node-flags\.json[\s\S]*spawn\(process\.execPath, \[\.\.\.nodeFlags, bin, 'start'\]/);
  assert.deepEqual(RENRAKU_START.slice(0, (flags as string[]).length), flags);
});
