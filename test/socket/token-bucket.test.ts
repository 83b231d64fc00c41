import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenBucket } from '../../src/socket/token-bucket.ts';

test('a burst is allowed, then one per refill interval, with the wait named', () => {
  let now = 0;
  const bucket = new TokenBucket({ burst: 3, refillPerSecond: 10, now: () => now });
  assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [0, 0, 0]);
  assert.equal(bucket.take(), 100, 'empty: 100 ms until the next token at 10/s');
  now = 40;
  assert.equal(bucket.take(), 60);
  now = 100;
  assert.equal(bucket.take(), 0);
  assert.equal(bucket.take(), 100);
});

test('refill never exceeds the burst, and time going backwards adds nothing', () => {
  let now = 0;
  const bucket = new TokenBucket({ burst: 2, refillPerSecond: 1, now: () => now });
  now = 1_000_000;
  assert.deepEqual([bucket.take(), bucket.take()], [0, 0]);
  assert.ok(bucket.take() > 0);
  now = 0;
  assert.ok(bucket.take() > 0);
});

test('a refused take spends nothing', () => {
  let now = 0;
  const bucket = new TokenBucket({ burst: 1, refillPerSecond: 1, now: () => now });
  bucket.take();
  for (let i = 0; i < 100; i++) bucket.take();
  now = 1000;
  assert.equal(bucket.take(), 0);
});

test('nonsense settings fail loudly', () => {
  assert.throws(() => new TokenBucket({ burst: 0, refillPerSecond: 1, now: () => 0 }), /burst must be ≥ 1/);
  assert.throws(() => new TokenBucket({ burst: 1, refillPerSecond: 0, now: () => 0 }), /refillPerSecond > 0/);
});
