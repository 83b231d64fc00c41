import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../src/domain/app-error.ts';
import { checkBody, checkName, codePointLength } from '../../src/domain/text.ts';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not-app-error';
  }
  return undefined;
}

test('bodies are kept exactly; emoji count as one character', () => {
  assert.equal(checkBody('  こんにちは 👋🏽 \n', 12), '  こんにちは 👋🏽 \n');
  assert.equal(codePointLength('😀😀😀'), 3);
  assert.equal(code(() => checkBody('😀'.repeat(10), 10)), undefined);
  assert.equal(code(() => checkBody('😀'.repeat(11), 10)), 'body_too_long');
});

test('empty, blank and control-character bodies are refused', () => {
  assert.equal(code(() => checkBody('', 10)), 'body_empty');
  assert.equal(code(() => checkBody(' \n\t ', 10)), 'body_empty');
  assert.equal(code(() => checkBody('a\u0000b', 10)), 'invalid_characters');
  assert.equal(code(() => checkBody('a\u001bb', 10)), 'invalid_characters');
  assert.equal(code(() => checkBody('tab\tand\nnewline\r\n', 100)), undefined);
  assert.equal(code(() => checkBody('שלום مرحبا', 100)), undefined);
});

test('names: line breaks and bidi overrides or isolates inside are refused as invalid_name', () => {
  for (const bad of ['Aiko\nAdmin', 'Aiko\rBen', 'Aiko\r\nBen', 'abc\u202Egpj.exe', 'x\u202Ay', 'x\u202By', 'x\u202Cy', 'x\u202Dy', 'x\u2066y', 'x\u2067y', 'x\u2068y', 'x\u2069y']) {
    assert.equal(code(() => checkName(bad)), 'invalid_name', JSON.stringify(bad));
  }
  assert.equal(code(() => checkName('   ')), 'validation_failed');
  assert.equal(code(() => checkName('a\u0000b')), 'validation_failed');
});

test('names: every other character is kept, trimmed at the ends only', () => {
  for (const good of ['山田 花子', '3年B組 保護者会', 'Café ☕', '👨‍👩‍👧‍👦 family', '🏳️‍🌈', 'שלום مرحبا', 'a\u200Fb\u200Ec', 'Zoë\u200D']) {
    assert.equal(checkName(good), good, JSON.stringify(good));
  }
  assert.equal(checkName('  Aiko \n'), 'Aiko');
});
