import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROUTES = join(import.meta.dirname, '../../src/http/routes');

test('route files call services: no store, no other feature\'s deps', () => {
  const files = readdirSync(ROUTES).filter((name) => name.endsWith('.ts'));
  assert.ok(files.length >= 10, 'the route files were read');
  for (const name of files) {
    const code = readFileSync(join(ROUTES, name), 'utf8');
    assert.doesNotMatch(code, /from '[^']*(domain\/store|adapters\/store)[^']*'/, `${name} imports the store`);
    assert.doesNotMatch(code, /(?<![\w-])store\??\.\w/, `${name} uses the store`);
    assert.doesNotMatch(code, /[{,]\s*store\s*[,}]/, `${name} takes the store`);
    assert.doesNotMatch(code, /\.deps\b/, `${name} reaches into a service's deps`);
  }
});
