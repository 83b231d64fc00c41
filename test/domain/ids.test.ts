import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdGenerator, ulidTime } from '../../src/domain/ids.ts';

test('ids are 26 Crockford base32 characters carrying their time', () => {
  const id = new IdGenerator(() => 1_700_000_000_123).next();
  assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.equal(ulidTime(id), 1_700_000_000_123);
});

test('ids sort by creation, also many within one millisecond', () => {
  let t = 1_700_000_000_000;
  const gen = new IdGenerator(() => t);
  const ids: string[] = [];
  for (let i = 0; i < 1000; i++) {
    if (i % 300 === 0) t += 1;
    ids.push(gen.next());
  }
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

test('a clock going backwards does not break ordering', () => {
  let t = 2_000;
  const gen = new IdGenerator(() => t);
  const a = gen.next();
  t = 1_000;
  const b = gen.next();
  assert.ok(b > a);
});
