import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildOffsets, indexAt, visibleRange } from '../../../web/src/ui/virtual-window.ts';

test('buildOffsets: tops of rows and the total', () => {
  assert.deepEqual([...buildOffsets(3, (i) => [10, 20, 30][i]!)], [0, 10, 30, 60]);
  assert.deepEqual([...buildOffsets(0, () => 10)], [0]);
});

test('indexAt: the row covering a y, clamped to the rows', () => {
  const o = buildOffsets(3, (i) => [10, 20, 30][i]!);
  assert.deepEqual([indexAt(o, -5), indexAt(o, 0), indexAt(o, 9.9), indexAt(o, 10), indexAt(o, 59), indexAt(o, 500)], [0, 0, 0, 1, 2, 2]);
  assert.equal(indexAt(buildOffsets(0, () => 1), 10), 0);
});

test('visibleRange: 10,000 rows, a screen of 800 px and one screen of overscan render a few dozen', () => {
  const o = buildOffsets(10_000, (i) => (i % 3 === 0 ? 90 : 60));
  const top = o[5000]!;
  const { start, end } = visibleRange(o, top, 800, 800);
  assert.ok(start < 5000 && end > 5000);
  assert.ok(end - start <= 45, `rendered ${end - start}`);
  assert.ok(o[start]! <= top - 800 && o[end]! >= top + 1600);
  assert.deepEqual(visibleRange(buildOffsets(0, () => 1), 0, 800, 800), { start: 0, end: 0 });
  assert.deepEqual(visibleRange(o, o[10_000]! - 800, 800, 800).end, 10_000);
});
