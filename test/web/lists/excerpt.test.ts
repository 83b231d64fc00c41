import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXCERPT_CHARS, excerptOf } from '../../../web/src/lists/excerpt.ts';

describe('the moderation queue\'s excerpt of a held post', () => {
  test('short text is kept as written, trimmed, with uniform line ends and at most one blank line', () => {
    assert.equal(excerptOf('  Hello\r\nworld\r\n\r\n\r\n\r\nBye\n'), 'Hello\nworld\n\nBye');
    assert.equal(excerptOf(''), '');
  });

  test('long text is cut at the limit, in characters, with an ellipsis', () => {
    const long = '体育館'.repeat(200);
    const out = excerptOf(long);
    assert.equal([...out].length, EXCERPT_CHARS + 1);
    assert.ok(out.endsWith('…'));
    assert.ok(long.startsWith(out.slice(0, -1)));
  });

  test('a cut never splits a character outside the BMP', () => {
    const out = excerptOf('a' + '😀'.repeat(EXCERPT_CHARS));
    assert.equal(out, `a${'😀'.repeat(EXCERPT_CHARS - 1)}…`);
    assert.doesNotMatch(out, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/, 'no lone high surrogate');
  });

  test('text exactly at the limit is not cut', () => {
    const exact = 'x'.repeat(EXCERPT_CHARS);
    assert.equal(excerptOf(exact), exact);
  });
});
