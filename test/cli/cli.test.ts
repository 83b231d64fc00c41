import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { within } from '../support/phoenix-helpers.ts';
import { RENRAKU_FROM_SOURCES } from '../support/renraku-sources.ts';

describe('the renraku command', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'renraku-cli-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test('start creates the data dir, migrates, prints where to open it, serves, and drains on SIGTERM', async () => {
    const dataDir = join(tempDir(), 'data');
    const child = spawn(process.execPath, [...RENRAKU_FROM_SOURCES, 'start'], {
      env: { ...process.env, RENRAKU_DATA_DIR: dataDir, RENRAKU_HTTP_PORT: '0', RENRAKU_SMTP_PORT: '0', RENRAKU_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const url = await within(20_000, 'the start banner', new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const m = /Renraku is running: open (http:\/\/\S+)/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    }));
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    assert.ok(existsSync(join(dataDir, 'renraku.sqlite3')));
    assert.equal(statSync(join(dataDir, 'secret')).mode & 0o777, 0o600);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await within(10_000, 'exit after SIGTERM', exited), 0);
  });

  test('a bad variable stops start-up with a message naming it', () => {
    const res = spawnSync(process.execPath, [...RENRAKU_FROM_SOURCES, 'start'], { env: { ...process.env, RENRAKU_HTTP_PORT: 'eighty', RENRAKU_DATA_DIR: tempDir() }, encoding: 'utf8' });
    assert.equal(res.status, 78);
    assert.match(res.stderr, /RENRAKU_HTTP_PORT: must be a whole number/);
  });

  test('migrate applies once, then reports up to date; unknown commands list the valid ones', () => {
    const env = { ...process.env, RENRAKU_DATA_DIR: tempDir() };
    const first = spawnSync(process.execPath, [...RENRAKU_FROM_SOURCES, 'migrate'], { env, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /migrate: applied /);
    const second = spawnSync(process.execPath, [...RENRAKU_FROM_SOURCES, 'migrate'], { env, encoding: 'utf8' });
    assert.match(second.stdout, /migrate: up to date/);
    const unknown = spawnSync(process.execPath, [...RENRAKU_FROM_SOURCES, 'frobnicate'], { env, encoding: 'utf8' });
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /unknown command "frobnicate"[\s\S]*renraku start/);
  });
});
