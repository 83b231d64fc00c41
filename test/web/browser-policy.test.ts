import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireChromiumOrSkip } from './support/browser.ts';

test('browser suites: run with Chromium, skip loudly without it, fail on CI without it', () => {
  assert.deepEqual(requireChromiumOrSkip('s', { present: true, ci: true }), { skip: false });
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    assert.match(String(requireChromiumOrSkip('s', { present: false, ci: false }).skip), /Chromium not installed/);
  } finally {
    console.warn = warn;
  }
  assert.throws(() => requireChromiumOrSkip('s', { present: false, ci: true }), /refused on CI: apt-get install/);
});
