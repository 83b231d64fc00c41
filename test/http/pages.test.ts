import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mailJoinErrorPage, mailJoinPage } from '../../src/http/pages/mail-join-page.ts';
import { unsubscribedPage, unsubscribeQuestionPage } from '../../src/http/pages/unsubscribe-page.ts';

const EVIL = `<script>alert("x")</script>&'`;
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';

/** No tag, attribute or entity from the value survives unescaped. */
function assertEscaped(html: string): void {
  assert.ok(!html.includes('<script>'), html);
  assert.ok(html.includes(ESCAPED), html);
}

describe('pages of signed mail links', () => {
  const view = { id: 'r1', address: `${EVIL}@example.test`, account_exists: false, created_at: 0, group: { id: 'g1', name: EVIL, slug: 'g' } };

  test('a join-by-mail page escapes the group and the address, and posts back to its own link', () => {
    const page = mailJoinPage({ ...view, status: 'unconfirmed' }, 'j1.a/b?c');
    assertEscaped(page);
    assert.match(page, /<form method="post" action="\/mail-join\/j1\.a%2Fb%3Fc">/);
    assert.match(page, /name="password"/, 'a new account is asked for a password');
    assert.doesNotMatch(mailJoinPage({ ...view, status: 'unconfirmed', account_exists: true }, 't'), /name="password"/);
    for (const status of ['joined', 'pending', 'rejected'] as const) {
      const done = mailJoinPage({ ...view, status }, 't');
      assert.ok(done.startsWith(`<!doctype html><html lang="ja">`) && done.includes(`<title>${ESCAPED}</title>`), status);
      assert.doesNotMatch(done, /<form/, status);
    }
    assertEscaped(mailJoinErrorPage(EVIL));
  });

  test('the unsubscribe pages escape the list and the address; only the question has the one-click form', () => {
    const question = unsubscribeQuestionPage(EVIL, EVIL, false);
    assertEscaped(question);
    assert.match(question, /<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">/);
    const already = unsubscribeQuestionPage(EVIL, EVIL, true);
    assertEscaped(already);
    assert.doesNotMatch(already, /<form/);
    assertEscaped(unsubscribedPage(EVIL));
  });
});
