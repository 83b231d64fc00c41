import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml, oneLine, renderAnnouncementMail, renderNoticeMail } from '../../src/mail/templates.ts';

const announcement = {
  locale: 'ja' as const,
  groupName: '3年B組\n保護者会',
  title: '運動会の<お知らせ>',
  body: '保護者各位\n\n10月12日に運動会を行います。\n<img src=x onerror=alert(1)> & "お弁当"',
  readUrl: 'https://renraku.example.org/r/abc?sig=x&u=1',
  answerHint: '出欠を回答してください（締切 10/5）',
};

test('escapeHtml escapes the five characters that matter in text and attributes', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
});

test('oneLine: a subject never carries a line break or a control character', () => {
  assert.equal(oneLine(' 運動会\r\nのお知らせ\t\u0007 '), '運動会 のお知らせ');
});

test('an announcement: subject, text and HTML carry the same content; nothing typed becomes markup', () => {
  const mail = renderAnnouncementMail(announcement);
  assert.equal(mail.subject, '[3年B組 保護者会] 運動会の<お知らせ>');
  assert.ok(mail.text.startsWith('運動会の<お知らせ>\n\n保護者各位\n\n10月12日に運動会を行います。\n'));
  assert.ok(mail.text.includes('開いて既読にする:\nhttps://renraku.example.org/r/abc?sig=x&u=1\n'));
  assert.ok(mail.text.includes('出欠を回答してください（締切 10/5）'));
  assert.ok(mail.text.includes('\n-- \nこのメールは Renraku から「3年B組 保護者会」のメンバーにお送りしています。\n'));

  assert.ok(mail.html.startsWith('<!doctype html>\n<html lang="ja"><head><meta charset="utf-8">'));
  assert.ok(mail.html.includes('<h1 style="margin:0 0 16px;font-size:20px">運動会の&lt;お知らせ&gt;</h1>'));
  assert.ok(mail.html.includes('10月12日に運動会を行います。<br>\n&lt;img src=x onerror=alert(1)&gt; &amp; &quot;お弁当&quot;</p>'));
  assert.ok(mail.html.includes('href="https://renraku.example.org/r/abc?sig=x&amp;u=1"'));
  assert.ok(!/<img|<script|onerror=alert\(1\)>/.test(mail.html));
  // The only tags are the template's own.
  const tags = new Set([...mail.html.matchAll(/<([a-z0-9!]+)/gi)].map((m) => m[1]!.toLowerCase()));
  assert.deepEqual([...tags].sort(), ['!doctype', 'a', 'body', 'br', 'h1', 'head', 'hr', 'html', 'meta', 'p', 'title']);
});

test('English, and a notice without link or note', () => {
  const { answerHint: _hint, ...withoutHint } = announcement;
  const en = renderAnnouncementMail({ ...withoutHint, locale: 'en', groupName: 'Tennis club' });
  assert.ok(en.text.includes('Open it (this marks it as read):'));
  assert.ok(en.text.endsWith('Sent by Renraku to the members of “Tennis club”.\n'));
  const plain = renderNoticeMail({ locale: 'en', subject: 'Hi', heading: 'Hi', body: 'one\r\ntwo', footer: 'f' });
  assert.equal(plain.text, 'Hi\n\none\ntwo\n\n-- \nf\n');
  assert.ok(!plain.html.includes('<a '));
});

test('a link that is not http(s) is refused, loudly', () => {
  for (const readUrl of ['javascript:alert(1)', 'data:text/html,x', '/relative', 'not a url']) {
    assert.throws(() => renderAnnouncementMail({ ...announcement, readUrl }), /absolute http\(s\) URL/);
  }
});
