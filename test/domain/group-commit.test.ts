import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommit } from '../../src/domain/group-commit.ts';

/** One turn of the event loop: when a GroupCommit starts its write. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A write the test finishes by hand. */
function manualWrites() {
  const calls: { items: number[]; finish: (error?: Error) => void }[] = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, finish: (error) => (error ? reject(error) : resolve(items.map((i) => `done ${i}`))) });
    });
  return { calls, write };
}

test('the first write goes alone; everything submitted meanwhile goes in the next, each caller gets its own result', async () => {
  const { calls, write } = manualWrites();
  const group = new GroupCommit(write);
  const first = group.submit(1);
  assert.equal(calls.length, 0, 'the write waits one loop turn for company');
  await turn();
  const rest = [group.submit(2), group.submit(3), group.submit(4)];
  assert.deepEqual(calls.map((c) => c.items), [[1]]);
  calls[0]!.finish();
  assert.equal(await first, 'done 1');
  await turn();
  assert.deepEqual(calls.map((c) => c.items), [[1], [2, 3, 4]]);
  calls[1]!.finish();
  assert.deepEqual(await Promise.all(rest), ['done 2', 'done 3', 'done 4']);
  await turn();
  const later = group.submit(5);
  await turn();
  assert.deepEqual(calls.at(-1)?.items, [5], 'idle again: the next write starts on the next turn');
  calls.at(-1)!.finish();
  assert.equal(await later, 'done 5');
});

test('a failed write fails exactly its own callers; the next group still goes', async () => {
  const { calls, write } = manualWrites();
  const group = new GroupCommit(write);
  const a = group.submit(1);
  await turn();
  const b = group.submit(2);
  calls[0]!.finish(new Error('disk full'));
  await assert.rejects(a, /disk full/);
  await turn();
  calls[1]!.finish();
  assert.equal(await b, 'done 2');
});

test('a write carries at most maxBatch items; the rest follow in order', async () => {
  const { calls, write } = manualWrites();
  const group = new GroupCommit(write, 2);
  const all = [1, 2, 3, 4, 5, 6].map((i) => group.submit(i));
  for (let round = 0; round < 3; round++) {
    await turn();
    calls[round]?.finish();
  }
  assert.deepEqual(await Promise.all(all), [1, 2, 3, 4, 5, 6].map((i) => `done ${i}`));
  assert.deepEqual(calls.map((c) => c.items), [[1, 2], [3, 4], [5, 6]]);
});
