import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createStore } from '../../src/adapters/store/create-store.ts';
import { diagCommand } from '../../src/cli/diag.ts';
import { MemoryNodeDirectory } from '../../src/cluster/memory-node-directory.ts';
import { systemClock } from '../../src/domain/clock.ts';
import type { Store } from '../../src/domain/store.ts';
import { adminSocketPath } from '../../src/ops/admin-socket.ts';
import { MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { freePort } from '../support/free-port.ts';
import { OPERATOR_TOKEN, startOpsNode, type OpsNode } from './support/ops-node.ts';

const SECRET = 'cluster-secret-for-diag-tests-0123456789';

async function diagJson(args: string[]): Promise<{ code: number; json: any; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await diagCommand([...args, '--json'], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, json: out.length > 0 ? JSON.parse(out.join('\n')) : undefined, err: err.join('\n') };
}

describe('renraku diag --cluster across three nodes (in-memory bus and directory, one store)', () => {
  let dir: string;
  let store: Store;
  let directory: MemoryNodeDirectory;
  const nodes: OpsNode[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'renraku-diag-cluster-'));
    store = await createStore({ dataDir: dir });
    await store.migrate();
    const hub = new MemoryBusHub();
    directory = new MemoryNodeDirectory(systemClock);
    for (let i = 0; i < 3; i++) nodes.push(await startOpsNode({ store, bus: hub.connect(), directory, env: { RENRAKU_SECRET: SECRET } }));
    await Promise.all(nodes.map((n) => n.app.registry!.heartbeat()));
  });
  after(async () => {
    for (const node of nodes) await node.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('nodes lists every live node with its address', async () => {
    const { code, json } = await diagJson(['--socket', adminSocketPath(nodes[0]!.dataDir), 'nodes']);
    assert.equal(code, 0);
    assert.deepEqual(json.map((n: { id: string; address: string }) => [n.id, n.address]).sort(), nodes.map((n) => [n.app.nodeId, n.url]).sort());
  });

  test('stats --cluster asks every node and merges the answers by node', async () => {
    const { code, json, err } = await diagJson(['--socket', adminSocketPath(nodes[1]!.dataDir), '--cluster', 'stats']);
    assert.equal(code, 0, err);
    assert.deepEqual(json.nodes.map((n: { node: string }) => n.node), nodes.map((n) => n.app.nodeId).sort((a, b) => a.localeCompare(b)));
    for (const answer of json.nodes) {
      assert.equal(answer.ok, true, JSON.stringify(answer.error));
      assert.equal(answer.result.node, answer.node, 'each answer comes from the node it names');
    }
  });

  test('over --url too, and jobs --cluster; a node that refuses is reported, not hidden', async () => {
    const { code, json } = await diagJson(['--url', nodes[2]!.url, '--token', OPERATOR_TOKEN, '--cluster', 'jobs']);
    assert.equal(code, 0);
    assert.equal(json.nodes.length, 3);
    assert.ok(json.nodes.every((n: { ok: boolean; result: { node: string } }) => n.ok && Array.isArray((n.result as unknown as { jobs: unknown[] }).jobs)));

    // A node in the registry that does not answer: listed as failed, the others still answer.
    await directory.put({ id: 'ghost', address: `http://127.0.0.1:${await freePort()}`, started_at: Date.now(), connections: 0, heartbeat_at: Date.now() }, 60_000);
    await nodes[0]!.app.registry!.heartbeat();
    const partial = await diagJson(['--socket', adminSocketPath(nodes[0]!.dataDir), '--cluster', 'outbox']);
    assert.equal(partial.code, 0);
    const ghost = partial.json.nodes.find((n: { node: string }) => n.node === 'ghost');
    assert.deepEqual([ghost.ok, ghost.error.code], [false, 'unavailable']);
    assert.equal(partial.json.nodes.filter((n: { ok: boolean }) => n.ok).length, 3);
  });
});
