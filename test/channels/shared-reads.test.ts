import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedReads } from '../../src/channels/shared-reads.ts';

test('requests for one key before the read starts share it; later ones get a fresh read', async () => {
  const reads = new SharedReads();
  let loads = 0;
  let value = 'v1';
  const load = async () => (loads++, value);
  const first = [reads.read('room:1', load), reads.read('room:1', load), reads.read('room:1', load)];
  const other = reads.read('room:2', load);
  assert.equal(loads, 0, 'nothing is read before the next turn');
  assert.deepEqual(await Promise.all(first), ['v1', 'v1', 'v1']);
  assert.equal(await other, 'v1');
  assert.equal(loads, 2, 'one read per key');

  value = 'v2';
  assert.equal(await reads.read('room:1', load), 'v2', 'a request after the read started is not answered from it');
  assert.equal(loads, 3);
});

test('a failed read fails every request that shared it, and the next request reads again', async () => {
  const reads = new SharedReads();
  const failing = async (): Promise<string> => { throw new Error('store down'); };
  const results = await Promise.allSettled([reads.read('k', failing), reads.read('k', failing)]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  assert.equal(await reads.read('k', async () => 'ok'), 'ok');
});
