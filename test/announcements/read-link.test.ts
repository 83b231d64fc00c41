import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadLinks } from '../../src/announcements/read-link.ts';
import { SocketTokens } from '../../src/domain/socket-token.ts';

const SECRET = 'read-link-test-secret-0123456789abcdef';

test('a minted link names its announcement and recipient until it expires', () => {
  let now = 1_000;
  const links = new ReadLinks(SECRET, 500, () => now);
  const token = links.mint('01ANN', '01USER');
  assert.match(token, /^r1\.01ANN\.01USER\.15o\.[A-Za-z0-9_-]{22}$/);
  assert.deepEqual(links.verify(token), { ok: true, announcementId: '01ANN', userId: '01USER' });
  now = 1_499;
  assert.equal(links.verify(token).ok, true);
  now = 1_500;
  assert.deepEqual(links.verify(token), { ok: false, reason: 'read_link_expired' });
});

test('forged, altered or foreign tokens are invalid, never expired', () => {
  const links = new ReadLinks(SECRET, 60_000, () => 1_000);
  const token = links.mint('01ANN', '01USER');
  const [v, a, , exp, sig] = token.split('.') as [string, string, string, string, string];
  const invalid = [
    `${v}.${a}.01OTHER.${exp}.${sig}`, // another recipient
    `${v}.${a}.01USER.zzzzzz.${sig}`, // a later expiry
    `${token.slice(0, -2)}AA`, // another signature
    new ReadLinks('another-secret-0123456789abcdefghijkl', 60_000, () => 1_000).mint('01ANN', '01USER'),
    new SocketTokens(SECRET, 60_000, () => 1_000).mint('01USER', 'S1').token, // a socket token is no read link
    'r1.x', '', 'r1.a.b.c.d.e', `r2${token.slice(2)}`, 'x'.repeat(300),
  ];
  for (const t of invalid) assert.deepEqual(links.verify(t), { ok: false, reason: 'read_link_invalid' }, t);
  // An expired forgery is still a forgery.
  const later = new ReadLinks(SECRET, 60_000, () => 10_000_000);
  assert.deepEqual(later.verify(`${v}.${a}.01OTHER.${exp}.${sig}`), { ok: false, reason: 'read_link_invalid' });
});

test('a link with real ids fits in one path segment of at most 100 characters (Fastify\'s bound)', () => {
  const links = new ReadLinks(SECRET, 60 * 24 * 3_600_000, () => 4_102_444_800_000); // year 2100
  const token = links.mint('01KCC5RM00CFDJYD0M3Q71VBHZ', '01KCC5RM00CFDJYD0M3Q71VBHR');
  assert.ok(token.length <= 100, `${token.length} characters`);
  assert.equal(encodeURIComponent(token), token);
});
