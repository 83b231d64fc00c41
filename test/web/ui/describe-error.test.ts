import assert from 'node:assert/strict';
import { test } from 'node:test';
import { soleOwnerGroups } from '../../../web/src/account/account-api.ts';
import { ApiError, retryAfterSeconds } from '../../../web/src/api/api-error.ts';
import { en } from '../../../web/src/i18n/en.ts';
import { ja } from '../../../web/src/i18n/ja.ts';
import { format } from '../../../web/src/i18n/language.ts';
import { translator } from '../../../web/src/i18n/translator.ts';
import { describeError } from '../../../web/src/ui/describe-error.ts';

test('retryAfterSeconds: seconds or an HTTP date; nothing when absent or unreadable', () => {
  assert.equal(retryAfterSeconds('120'), 120);
  assert.equal(retryAfterSeconds('0.2'), 1);
  assert.equal(retryAfterSeconds(new Date(1_000_000 + 90_500).toUTCString(), 1_000_000), 90);
  assert.equal(retryAfterSeconds(null), undefined);
  assert.equal(retryAfterSeconds(''), undefined);
  assert.equal(retryAfterSeconds('soon'), undefined);
});

test('describeError: too_many_attempts says how long to wait, in whole minutes', () => {
  const t = translator('en');
  assert.equal(describeError(t, new ApiError(429, 'too_many_attempts', 'x', { retryAfterSeconds: 61 })), format(en['error.too_many_attempts_wait'], { minutes: 2 }));
  assert.equal(describeError(t, new ApiError(429, 'too_many_attempts', 'x', { retryAfterSeconds: 5 })), format(en['error.too_many_attempts_wait'], { minutes: 1 }));
  assert.equal(describeError(t, new ApiError(429, 'too_many_attempts', 'x')), en['error.too_many_attempts']);
});

test('describeError: weak_password shows the server’s reason; other codes their own text', () => {
  const t = translator('ja');
  assert.equal(describeError(t, new ApiError(422, 'weak_password', 'it is on a list of common passwords')), format(ja['error.weak_password_why'], { reason: 'it is on a list of common passwords' }));
  assert.equal(describeError(t, new ApiError(403, 'wrong_password', 'The current password is wrong.')), ja['error.wrong_password']);
  assert.equal(describeError(t, { reason: 'rate_limited' }), ja['error.rate_limited']);
  assert.equal(describeError(t, undefined), format(ja['error.generic'], { code: 'internal' }));
});

test('soleOwnerGroups: the groups of a sole_owner refusal, nothing from any other error', () => {
  const groups = [{ id: 'G1', name: 'Bazaar' }, { id: 'G2', name: 'PTA' }];
  assert.deepEqual(soleOwnerGroups(new ApiError(409, 'sole_owner', 'x', { details: { groups: [...groups, { id: 3 }] } })), groups);
  assert.deepEqual(soleOwnerGroups(new ApiError(403, 'wrong_password', 'x', { details: { groups } })), []);
  assert.deepEqual(soleOwnerGroups(new ApiError(409, 'sole_owner', 'x')), []);
});
