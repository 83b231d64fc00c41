import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCookie } from '../../src/http/auth.ts';

test('readCookie: a malformed percent escape names no session, and never throws', () => {
  assert.equal(readCookie('renraku_session=%', 'renraku_session'), undefined);
  assert.equal(readCookie('renraku_session=%E0%A4%A', 'renraku_session'), undefined);
  assert.equal(readCookie('renraku_session=%zz; renraku_session=abc', 'renraku_session'), 'abc', 'a later well-formed value still counts');
  assert.equal(readCookie('theme=%; renraku_session=a%2Db', 'renraku_session'), 'a-b', 'other cookies are not decoded');
});
