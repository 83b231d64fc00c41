import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en, type MessageKey } from '../../../web/src/i18n/en.ts';
import { ja } from '../../../web/src/i18n/ja.ts';
import { format, preferredLanguage, resolveLanguage } from '../../../web/src/i18n/language.ts';
import { translator } from '../../../web/src/i18n/translator.ts';

test('preferredLanguage: the first of the browser languages we have', () => {
  assert.equal(preferredLanguage(['ja-JP', 'en-US']), 'ja');
  assert.equal(preferredLanguage(['fr-FR', 'en-GB', 'ja']), 'en');
  assert.equal(preferredLanguage(['fr', 'ja']), 'ja');
  assert.equal(preferredLanguage([]), 'en');
  assert.equal(resolveLanguage('ja', ['en']), 'ja');
  assert.equal(resolveLanguage('auto', ['JA']), 'ja');
});

test('format fills placeholders and leaves unknown ones', () => {
  assert.equal(format('{a} and {b}', { a: 1, b: 'x' }), '1 and x');
  assert.equal(format('{a} {missing}', { a: 1 }), '1 {missing}');
});

test('both dictionaries have every key with the same placeholders, and no empty text', () => {
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(en) as MessageKey[]) {
    assert.ok(ja[key], `ja lacks ${key}`);
    assert.deepEqual(placeholders(ja[key]), placeholders(en[key]), key);
  }
  assert.deepEqual(Object.keys(ja).sort(), Object.keys(en).sort());
});

test('error texts: known codes have their own, others name the code', () => {
  const t = translator('ja');
  assert.equal(t.error('email_taken'), ja['error.email_taken']);
  assert.equal(t.error('weird_code'), format(ja['error.generic'], { code: 'weird_code' }));
});
