import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeRequests } from '../../src/cluster/node-requests.ts';
import { MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { ManualTime } from '../transport/manual-time.ts';

async function pair() {
  const hub = new MemoryBusHub();
  const time = new ManualTime();
  const a = new NodeRequests({ bus: hub.connect(), nodeId: 'a', timers: time });
  const b = new NodeRequests({ bus: hub.connect(), nodeId: 'b', timers: time });
  await a.start();
  await b.start();
  return { time, a, b };
}

test('a request reaches the named node and its answer comes back; a failing handler answers an error', async () => {
  const { a, b } = await pair();
  b.handle('echo', async (payload) => ({ echoed: payload }));
  b.handle('boom', async () => {
    throw new Error('nope');
  });
  assert.deepEqual(await a.request('b', 'echo', { x: 1 }, 1000), { echoed: { x: 1 } });
  await assert.rejects(a.request('b', 'boom', {}, 1000), /nope/);
  await assert.rejects(a.request('b', 'missing', {}, 1000), /no handler for "missing" on node b/);
  assert.throws(() => b.handle('echo', async () => null), /already has a handler/);
});

test('no answer within the timeout rejects (the node is gone); cancelling aborts the handler on the other node', async () => {
  const { time, a, b } = await pair();
  const nobody = a.request('gone', 'echo', {}, 1000);
  time.advance(1000);
  await assert.rejects(nobody, /no answer from node gone/);

  let aborted!: () => void;
  const sawAbort = new Promise<void>((resolve) => (aborted = resolve));
  b.handle('hold', (_payload, cancelled) => new Promise((resolve) => {
    cancelled.addEventListener('abort', () => {
      aborted();
      resolve(null);
    });
  }));
  const controller = new AbortController();
  const held = a.request('b', 'hold', {}, 10_000, controller.signal);
  await new Promise<void>((resolve) => setImmediate(resolve));
  controller.abort();
  await assert.rejects(held, /cancelled/);
  await sawAbort;
});
