import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeaderLines } from 'mailparser';
import { slugOfListAddress } from '../../src/lists/list-address.ts';
import { listHeaders, listSubject, type ListMailContext } from '../../src/lists/list-mail.ts';
import { mayPost } from '../../src/lists/list-permissions.ts';
import { localDate, previousDate, startOfLocalDay } from '../../src/lists/local-day.ts';
import { classifyForList } from '../../src/lists/mail-classifier.ts';
import { sanitizePostHtml } from '../../src/lists/html-sanitizer.ts';
import { senderAuthenticated } from '../../src/lists/sender-authentication.ts';
import type { ListPost } from '../../src/lists/types.ts';
import { UnsubscribeLinks } from '../../src/lists/unsubscribe-link.ts';
import { dedupeKey } from '../../src/mail/inbound/dedupe-key.ts';
import { headerBlockBytes } from '../../src/mail/inbound/header-block.ts';

const lines = (...raw: string[]): HeaderLines => raw.map((line) => ({ key: line.slice(0, line.indexOf(':')).toLowerCase(), line }));
const list = { listId: 'club.lists.test', address: 'club@lists.test' };

describe('classifyForList (loops and auto-replies, pure)', () => {
  it('names loops by our List-Id, List-Post or X-Loop, and only ours', () => {
    assert.equal(classifyForList(lines('List-Id: Club <club.lists.test>'), list), 'loop');
    assert.equal(classifyForList(lines('List-Post: <mailto:club@lists.test>'), list), 'loop');
    assert.equal(classifyForList(lines('X-Loop: CLUB@lists.test'), list), 'loop');
    assert.equal(classifyForList(lines('List-Id: Other <myclub.lists.test>'), list), undefined, 'another list\'s id');
    assert.equal(classifyForList(lines('List-Id: Other <other.example.org>', 'Subject: hi'), list), undefined);
  });
  it('names auto-replies by Auto-Submitted (not "no"), Precedence bulk/junk/list, X-Autoreply', () => {
    for (const h of ['Auto-Submitted: auto-replied', 'Auto-Submitted: auto-generated; foo', 'Precedence: bulk', 'Precedence: JUNK', 'Precedence: list', 'X-Autoreply: yes']) {
      assert.equal(classifyForList(lines(h), list), 'auto_reply', h);
    }
    for (const h of ['Auto-Submitted: no', 'Precedence: first-class']) assert.equal(classifyForList(lines(h), list), undefined, h);
  });
});

describe('list addresses, permissions, subjects and headers (pure)', () => {
  it('list addresses are plain slugs of our domain', () => {
    assert.equal(slugOfListAddress('club@lists.test', 'lists.test'), 'club');
    assert.equal(slugOfListAddress('club+join@lists.test', 'lists.test'), undefined);
    assert.equal(slugOfListAddress('club@other.test', 'lists.test'), undefined);
    assert.equal(slugOfListAddress('-club@lists.test', 'lists.test'), undefined);
  });
  it('owners and senders always post; members only in discussion mode', () => {
    assert.deepEqual(['owner', 'sender', 'member'].map((r) => mayPost(r as 'owner', 'announce')), [true, true, false]);
    assert.equal(mayPost('member', 'discussion'), true);
  });
  it('the subject tag is added once', () => {
    assert.equal(listSubject('Hello', 'club'), '[club] Hello');
    assert.equal(listSubject('Re: [club] Hello', 'club'), 'Re: [club] Hello');
    assert.equal(listSubject('', 'club'), '[club] (no subject)');
    assert.equal(listSubject('a\r\nBcc: x@y', 'club'), '[club] a Bcc: x@y');
  });
  it('From rewriting and the RFC 2369/8058 headers', () => {
    const context: ListMailContext = {
      groupName: 'Club "A"', slug: 'club', address: 'club@lists.test', listId: 'club.lists.test', postingAllowed: false, fromRewrite: true,
      archiveUrl: 'https://renraku.example/#/g/G', attachmentUrl: (id) => `https://renraku.example/a/${id}`,
    };
    const post = { from_name: 'Aiko "the" Sato', from_address: 'aiko@example.org', in_reply_to: '<a@x>', references: '<z@x> <a@x>' } as ListPost;
    const out = listHeaders(post, context, 'https://renraku.example/l/unsubscribe/T');
    assert.equal(out.from, '"Aiko the Sato via Club A" <club@lists.test>');
    assert.equal(out.reply_to, 'aiko@example.org');
    assert.deepEqual(out.headers, {
      'List-Id': 'Club A <club.lists.test>', 'List-Post': 'NO', 'List-Archive': '<https://renraku.example/#/g/G>',
      'List-Unsubscribe': '<https://renraku.example/l/unsubscribe/T>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      Precedence: 'list', 'X-Loop': 'club@lists.test', 'Auto-Submitted': 'no', 'In-Reply-To': '<a@x>', References: '<z@x> <a@x>',
    });
    const plain = listHeaders(post, { ...context, fromRewrite: false, postingAllowed: true, groupName: '6年1組' }, 'u');
    assert.equal(plain.from, '"Aiko the Sato" <aiko@example.org>');
    assert.equal(plain.reply_to, undefined);
    assert.equal(plain.headers['List-Post'], '<mailto:club@lists.test>');
    assert.equal(plain.headers['List-Id'], `=?UTF-8?B?${Buffer.from('6年1組').toString('base64')}?= <club.lists.test>`);
  });
});

describe('local days for digests (pure)', () => {
  it('finds the local date and the instant a local day starts, DST included', () => {
    assert.equal(localDate(Date.parse('2026-11-30T15:30:00Z'), 'Asia/Tokyo'), '2026-12-01');
    assert.equal(startOfLocalDay('2026-12-01', 'Asia/Tokyo'), Date.parse('2026-11-30T15:00:00Z'));
    assert.equal(startOfLocalDay('2026-03-08', 'America/New_York'), Date.parse('2026-03-08T05:00:00Z'));
    assert.equal(startOfLocalDay('2026-03-09', 'America/New_York'), Date.parse('2026-03-09T04:00:00Z'));
    assert.equal(startOfLocalDay('2026-06-01', 'Asia/Kathmandu'), Date.parse('2026-05-31T18:15:00Z'));
    assert.equal(previousDate('2026-03-01'), '2026-02-28');
    assert.equal(previousDate('2027-01-01'), '2026-12-31');
  });
});

describe('inbound helpers and tokens (pure)', () => {
  it('dedupes by Message-ID when it is one, else by content', () => {
    assert.equal(dedupeKey('<ABC@Example.org>', Buffer.from('x')), 'mid:<abc@example.org>');
    assert.equal(dedupeKey('not an id', Buffer.from('x')), dedupeKey(undefined, Buffer.from('x')));
    assert.notEqual(dedupeKey(undefined, Buffer.from('x')), dedupeKey(undefined, Buffer.from('y')));
  });
  it('measures the header block', () => {
    assert.equal(headerBlockBytes(Buffer.from('A: 1\r\nB: 2\r\n\r\nbody')), 10);
    assert.equal(headerBlockBytes(Buffer.from('A: 1\n\nbody')), 4);
    assert.equal(headerBlockBytes(Buffer.from('A: 1\r\nB: 2')), 10);
  });
  it('unsubscribe tokens verify only as issued', () => {
    const links = new UnsubscribeLinks('a-secret-of-at-least-thirty-two-characters');
    const group = '01M8M8F6XWM54X3A7V7YCXBP04';
    const user = '01M8M8F7CS3H8EWRB42ZZSS1K5';
    const token = links.token(group, user);
    assert.ok(token.length <= 128);
    assert.deepEqual(links.verify(token), { groupId: group, userId: user });
    assert.equal(links.verify(token.replace(user, '01M8M8F7CS3H8EWRB42ZZSS1K6')), undefined);
    assert.equal(new UnsubscribeLinks('another-secret-of-at-least-thirty-two-chars').verify(token), undefined);
    assert.equal(links.verify(`${token}.x`), undefined);
  });
  it('sanitizes HTML to structure and safe links', () => {
    const out = sanitizePostHtml('<div style="x" onmouseover="y"><script>z</script><a href="data:text/html,1">d</a><img src="http://tracker/p.gif"><img src="https://ok/p.png"><b>b</b></div>');
    assert.equal(out, '<div><a rel="noopener noreferrer" target="_blank">d</a><img /><img src="https://ok/p.png" /><b>b</b></div>');
  });
});

describe('senderAuthenticated (our MTA\'s Authentication-Results, pure)', () => {
  const id = 'mx.lists.test';
  const ok = (from: string, ...raw: string[]) => senderAuthenticated(lines(...raw), id, from);

  it('a DMARC pass for the From domain, from our authserv-id, vouches for the sender', () => {
    assert.equal(ok('parent@school.example', 'Authentication-Results: mx.lists.test; dmarc=pass (p=none dis=none) header.from=school.example'), true);
    assert.equal(ok('parent@school.example', 'Authentication-Results: MX.Lists.Test 1; dmarc=pass'), true, 'authserv-id case-insensitive, with a version');
    assert.equal(ok('parent@school.example', 'Authentication-Results: mx.lists.test; dmarc=pass header.from=other.example'), false, 'for another domain');
    assert.equal(ok('parent@school.example', 'Authentication-Results: mx.lists.test; dmarc=fail header.from=school.example'), false);
    assert.equal(ok('parent@school.example', 'Authentication-Results: mx.lists.test; none'), false);
  });

  it('DKIM and SPF count when their domain is the From domain or a parent of it', () => {
    assert.equal(ok('a@school.example', 'Authentication-Results: mx.lists.test;\r\n\tdkim=pass (2048-bit key) header.d=school.example header.s=s1'), true, 'folded, with a comment');
    assert.equal(ok('a@mail.school.example', 'Authentication-Results: mx.lists.test; dkim=pass header.d=school.example'), true);
    assert.equal(ok('a@school.example', 'Authentication-Results: mx.lists.test; dkim=pass header.d=mail.school.example'), false, 'a subdomain does not vouch for its parent here');
    assert.equal(ok('a@school.example', 'Authentication-Results: mx.lists.test; dkim=pass header.i=@school.example'), true);
    assert.equal(ok('a@school.example', 'Authentication-Results: mx.lists.test; dkim=pass header.d=evil.example'), false, 'someone else\'s signature');
    assert.equal(ok('a@school.example', 'Authentication-Results: mx.lists.test; spf=pass smtp.mailfrom=bounce@school.example'), true);
    assert.equal(ok('a@school.example', 'Authentication-Results: mx.lists.test; spf=pass smtp.mailfrom=evil.example'), false);
    assert.equal(ok('a@school.example', 'Authentication-Results: mx.lists.test; spf=softfail smtp.mailfrom=school.example; dkim=pass header.d=school.example'), true, 'any one method suffices');
  });

  it('only the topmost header of our authserv-id counts: others came with the message', () => {
    assert.equal(ok('a@school.example', 'Authentication-Results: forger.example; dmarc=pass header.from=school.example'), false);
    assert.equal(ok('a@school.example',
      'Authentication-Results: mx.lists.test; dmarc=fail header.from=school.example',
      'Authentication-Results: mx.lists.test; dmarc=pass header.from=school.example'), false);
    assert.equal(ok('a@school.example',
      'Authentication-Results: relay.other.example; dmarc=fail',
      'Authentication-Results: mx.lists.test; dmarc=pass header.from=school.example'), true);
    assert.equal(ok('a@school.example'), false, 'no header at all');
    assert.equal(ok('no-at-sign', 'Authentication-Results: mx.lists.test; dmarc=pass'), false);
  });
});
