import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadOrCreateSecret } from '../../src/app/secret.ts';
import { SocketTokens } from '../../src/domain/socket-token.ts';
import type { SeedOutput } from '../../src/cli/seed-command.ts';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { RENRAKU_FROM_SOURCES } from '../support/renraku-sources.ts';

test('seed creates users, one group with all of them, rooms, and valid socket tokens', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'renraku-seed-'));
  try {
    const out = join(dataDir, 'seed.json');
    const res = spawnSync(process.execPath, [...RENRAKU_FROM_SOURCES, 'seed', '--users', '120', '--rooms', '3', '--members-per-room', '50', '--out', out], {
      env: { ...process.env, RENRAKU_DATA_DIR: dataDir }, encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr);
    const seed = JSON.parse(readFileSync(out, 'utf8')) as SeedOutput;
    assert.equal(seed.users.length, 120);
    assert.deepEqual(seed.rooms.map((r) => r.members.length), [50, 50, 50]);
    assert.deepEqual(seed.rooms[2]!.members.slice(0, 3), [100, 101, 102]);
    assert.equal(seed.rooms[2]!.members[20], 0, 'wraps around');
    const tokens = new SocketTokens(loadOrCreateSecret(dataDir, ''), 60_000);
    for (const u of seed.users) assert.equal(tokens.verify(u.socket_token)?.userId, u.id);

    const store = await createStore({ dataDir });
    try {
      const members = await store.groups.listMembers(seed.group_id);
      assert.equal(members.length, 120);
      assert.equal(members.filter((m) => m.role === 'owner').length, 1);
      assert.equal((await store.rooms.listForGroup(seed.group_id)).length, 3);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
