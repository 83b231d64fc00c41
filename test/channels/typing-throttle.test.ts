import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypingThrottle } from '../../src/channels/typing-throttle.ts';

test('one typing per user per room per window', () => {
  let now = 0;
  const throttle = new TypingThrottle({ now: () => now }, 2000);
  assert.equal(throttle.allow('r1', 'u1'), true);
  assert.equal(throttle.allow('r1', 'u1'), false);
  assert.equal(throttle.allow('r1', 'u2'), true, 'another user');
  assert.equal(throttle.allow('r2', 'u1'), true, 'another room');
  now = 1999;
  assert.equal(throttle.allow('r1', 'u1'), false);
  now = 2000;
  assert.equal(throttle.allow('r1', 'u1'), true);
});

test('old entries are swept, so memory stays bounded', () => {
  let now = 0;
  const throttle = new TypingThrottle({ now: () => now }, 10);
  for (let i = 0; i < 10_000; i++) throttle.allow('r', `u${i}`);
  now = 100;
  assert.equal(throttle.allow('r', 'late'), true);
  assert.ok((throttle as unknown as { last: Map<string, number> }).last.size < 10);
});
