import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIRST_VISIT_JS_BUDGET, measureFirstVisit } from '../../../web/scripts/size.ts';
import { buildWebClient } from '../support/web-build.ts';

test('the JavaScript of a first visit (phoenix + preact + app) stays within 60 KB gzipped', { timeout: 120_000 }, async () => {
  const dist = await buildWebClient();
  const first = measureFirstVisit(dist);
  assert.ok(first.js.length >= 1, 'index.html names an entry script');
  assert.ok(first.jsGzip <= FIRST_VISIT_JS_BUDGET, `first-visit JS is ${first.jsGzip} bytes gzipped; the budget is ${FIRST_VISIT_JS_BUDGET}`);
  assert.ok(first.css.length >= 1 && first.cssGzip > 0);
});
