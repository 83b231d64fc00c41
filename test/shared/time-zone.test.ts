import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTimeZone } from '../../src/shared/time-zone.ts';

test('isTimeZone knows IANA zones and refuses the rest', () => {
  assert.equal(isTimeZone('Asia/Tokyo'), true);
  assert.equal(isTimeZone('UTC'), true);
  assert.equal(isTimeZone('Mars/Olympus'), false);
});
