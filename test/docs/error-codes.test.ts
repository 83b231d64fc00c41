import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '../../src/domain/error-codes.ts';

test('every error code is documented in docs/errors.md with its status', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const missing: string[] = [];
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    if (!row || !row.includes(`| ${status} |`)) missing.push(`${code} (${status})`);
  }
  assert.deepEqual(missing, [], `undocumented codes: ${missing.join(', ')}`);
});

test('codes are snake_case and statuses are errors', () => {
  for (const [code, { status, message }] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^[a-z][a-z_]*$/);
    assert.ok(status >= 400 && status < 600, code);
    assert.ok(message.length > 0, code);
  }
});
