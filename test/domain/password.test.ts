import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, UNUSABLE_PASSWORD, verifyPassword } from '../../src/domain/password.ts';

test('a password verifies against its own hash only', async () => {
  const hash = await hashPassword('correct horse battery staple');
  assert.match(hash, /^scrypt\$15\$8\$1\$/);
  assert.equal(await verifyPassword('correct horse battery staple', hash), true);
  assert.equal(await verifyPassword('correct horse battery stapl', hash), false);
  assert.notEqual(await hashPassword('correct horse battery staple'), hash, 'salted');
});

test('unusable and malformed hashes never verify', async () => {
  assert.equal(await verifyPassword('anything', UNUSABLE_PASSWORD), false);
  assert.equal(await verifyPassword('anything', 'scrypt$1$2'), false);
});
