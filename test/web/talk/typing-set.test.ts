import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypingSet } from '../../../web/src/talk/typing-set.ts';

test('TypingSet: marks fade after the ttl, are renewed, and end when the message arrives', () => {
  const typing = new TypingSet(4000);
  typing.seen('a', 0);
  typing.seen('b', 1000);
  assert.deepEqual(typing.active(3999), ['a', 'b']);
  assert.equal(typing.nextExpiry(), 4000);
  typing.seen('a', 3000);
  assert.deepEqual(typing.active(4500), ['a', 'b']);
  assert.deepEqual(typing.active(5000), ['a']);
  assert.equal(typing.stopped('a'), true);
  assert.deepEqual(typing.active(5000), []);
  assert.equal(typing.nextExpiry(), undefined);
});
