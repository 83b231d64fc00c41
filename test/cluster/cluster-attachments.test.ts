import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { requirePostgresOrSkip, startPostgres, type PrivatePostgres } from '../support/postgres.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const SUITE = 'attachments in a cluster over PostgreSQL';

/** Two nodes on one PostgreSQL, no stickiness: an upload taken by one is downloaded through the other. */
describe(SUITE, requirePostgresOrSkip(SUITE), () => {
  let postgres: PrivatePostgres;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    postgres = await startPostgres();
    const env = { RENRAKU_DATABASE_URL: postgres.url, RENRAKU_SECRET: 'cluster-attachments-secret-0123456789abcdef' };
    a = await startTestServer({ env });
    b = await startTestServer({ env });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await postgres?.stop();
  });

  test('uploaded through node A, downloaded through node B, byte for byte; nothing is left on A\'s disk', async () => {
    const owner = await a.signup('Owner');
    const group = await a.createGroup(owner, 'Cluster class');
    const data = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(256 * 1024), Buffer.from('\n%%EOF\n')]);
    const up = await fetch(`${a.url}/api/groups/${group.id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/pdf', 'x-filename': 'notes.pdf' },
      body: new Uint8Array(data),
    });
    assert.equal(up.status, 201);
    const id = ((await up.json()) as { attachment: { id: string } }).attachment.id;
    assert.equal(existsSync(join(a.dataDir, 'uploads', id)), false, 'the bytes are in the database, not on one node');

    const down = await fetch(`${b.url}/api/attachments/${id}`, { headers: { authorization: `Bearer ${owner.token}` } });
    assert.equal(down.status, 200);
    assert.ok(Buffer.from(await down.arrayBuffer()).equals(data));
  });
});
