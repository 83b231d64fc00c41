import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../src/domain/app-error.ts';
import { checkBody, codePointLength } from '../../src/domain/text.ts';

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
