import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { AdminSocket, AdminSocketError, adminSocketPath } from '../../src/ops/admin-socket.ts';
import { RENRAKU_FROM_SOURCES } from '../support/renraku-sources.ts';
import { startOpsNode } from './support/ops-node.ts';

const run = promisify(execFile);

/** A Unix socket file left behind as by a crashed process: bound, never listened on, the binder gone. */
function staleSocket(path: string): void {
  const result = spawnSync('python3', ['-c', 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])', path]);
  assert.equal(result.status, 0, String(result.stderr));
}

function listenOn(path: string): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

describe('the admin socket path is checked before a node starts', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'renraku-admin-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const refused = (pattern: RegExp) => (err: unknown) => err instanceof AdminSocketError && pattern.test(err.message);

  test('a file that is not a socket', async () => {
    const path = join(dir, 'file.sock');
    writeFileSync(path, '');
    await assert.rejects(AdminSocket.check(path), refused(/exists and is not a socket/));
  });

  test('a socket other users may open', async () => {
    const path = join(dir, 'wide.sock');
    const server = await listenOn(path);
    try {
      chmodSync(path, 0o666);
      await assert.rejects(AdminSocket.check(path), refused(/has mode 0666, not 0600/));
    } finally {
      server.close();
    }
  });

  test('a socket owned by someone else', { skip: process.getuid?.() === 0 ? false : 'needs root to give the file away' }, async () => {
    const path = join(dir, 'theirs.sock');
    staleSocket(path);
    chmodSync(path, 0o600);
    chownSync(path, 65534, 65534);
    await assert.rejects(AdminSocket.check(path), refused(/belongs to uid 65534/));
  });

  test('a socket another node is serving on', async () => {
    const path = join(dir, 'live.sock');
    const server = await listenOn(path);
    try {
      chmodSync(path, 0o600);
      await assert.rejects(AdminSocket.check(path), refused(/another node is serving diagnostics/));
    } finally {
      server.close();
    }
  });

  test('a stale 0600 socket of ours is replaced, and a node starts on it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'renraku-admin-node-'));
    const path = adminSocketPath(dataDir);
    staleSocket(path);
    chmodSync(path, 0o600);
    const node = await startOpsNode({ dataDir });
    try {
      const stat = statSync(path);
      assert.ok(stat.isSocket());
      assert.equal(stat.mode & 0o777, 0o600);
    } finally {
      await node.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('`renraku start` refuses to start with a bad socket path, saying why, and exits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'renraku-admin-start-'));
    try {
      writeFileSync(adminSocketPath(dataDir), 'not a socket');
      const env = { ...process.env, RENRAKU_DATA_DIR: dataDir, RENRAKU_HTTP_PORT: '0', RENRAKU_SMTP_PORT: '0', RENRAKU_LOG_LEVEL: 'silent' };
      const failure = await run(process.execPath, [...RENRAKU_FROM_SOURCES, 'start'], { env, timeout: 30_000 }).then(() => undefined, (err: { code: number; stderr: string; killed: boolean }) => err);
      assert.ok(failure, 'the node must not start');
      assert.equal(failure.killed, false, 'it exits by itself');
      assert.equal(failure.code, 78);
      assert.match(failure.stderr, /refusing to start: .*admin\.sock exists and is not a socket/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
