import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdGenerator } from '../../src/domain/ids.ts';
import { VerpAddresses } from '../../src/mail/verp.ts';

const verp = new VerpAddresses('a-secret-of-at-least-thirty-two-chars!!', 'Lists.Example.org');
const id = new IdGenerator(() => 1_800_000_000_000).next();

test('a VERP address names its outbox row and comes back to it, whatever case a mail system gives it', () => {
  const address = verp.address(id);
  assert.match(address, /^bounces\+[0-9a-z]{26}-[0-9a-f]{20}@lists\.example\.org$/);
  assert.equal(verp.parse(address), id);
  assert.equal(verp.parse(address.toUpperCase()), id);
  assert.equal(verp.parse(`<${address}>`), id, 'as a Return-Path header writes it');
});

test('forged, altered or foreign addresses name nothing', () => {
  const address = verp.address(id);
  const [local, domain] = address.split('@') as [string, string];
  const otherId = new IdGenerator(() => 1_800_000_000_001).next();
  const cases = [
    address.replace(/-[0-9a-f]{20}@/, `-${'0'.repeat(20)}@`),
    `${local.replace(id.toLowerCase(), otherId.toLowerCase())}@${domain}`,
    `${local}@elsewhere.example`,
    new VerpAddresses('another-secret-of-at-least-thirty-two-chars', 'lists.example.org').address(id),
    `bounces+${id.toLowerCase()}@${domain}`,
    `bounces+${id.toLowerCase()}-${'é'.repeat(20)}@${domain}`,
    `${local}-extra@${domain}`,
    `owner+${id.toLowerCase()}@${domain}`,
    '',
    'not an address',
  ];
  for (const forged of cases) assert.equal(verp.parse(forged), undefined, forged);
});
