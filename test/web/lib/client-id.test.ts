import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newClientId } from '../../../web/src/lib/client-id.ts';

test('newClientId: v4 UUID layout from random bytes, unique per call', () => {
  assert.equal(newClientId((b) => b.fill(0)), '00000000-0000-4000-8000-000000000000');
  assert.equal(newClientId((b) => b.fill(255)), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
  const ids = new Set(Array.from({ length: 1000 }, () => newClientId()));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
