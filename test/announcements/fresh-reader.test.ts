import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FreshReader } from '../../src/announcements/fresh-reader.ts';

/** A load that resolves when the test says so, recording when each started. */
function controlledLoads() {
  const started: { key: string; release: (v: number) => void; fail: (e: Error) => void }[] = [];
  const reader = new FreshReader<string, number>((key) => new Promise<number>((resolve, reject) => {
    started.push({ key, release: resolve, fail: reject });
  }));
  return { reader, started };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('callers during a load share ONE load that starts after it', async () => {
  const { reader, started } = controlledLoads();
  const first = reader.read('a');
  await turn();
  assert.equal(started.length, 1);
  const second = reader.read('a');
  const third = reader.read('a');
  assert.equal(second, third, 'later callers share a promise');
  await turn();
  assert.equal(started.length, 1, 'no second load while the first runs');
  started[0]!.release(1);
  assert.equal(await first, 1);
  await turn();
  assert.equal(started.length, 2, 'the follow-up load starts once the first ends');
  started[1]!.release(2);
  assert.deepEqual([await second, await third], [2, 2]);
  assert.equal(reader.size, 0);
});

test('keys are independent, and a failed load fails only its callers', async () => {
  const { reader, started } = controlledLoads();
  const a = reader.read('a');
  const b = reader.read('b');
  await turn();
  assert.deepEqual(started.map((s) => s.key), ['a', 'b']);
  const aAgain = reader.read('a');
  started[0]!.fail(new Error('boom'));
  await assert.rejects(a, /boom/);
  await turn();
  started[2]!.release(3);
  started[1]!.release(4);
  assert.deepEqual([await aAgain, await b], [3, 4]);
});
