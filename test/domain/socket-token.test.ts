import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SocketTokens } from '../../src/domain/socket-token.ts';

test('a minted token verifies to its user until it expires', () => {
  let now = 1_000_000;
  const tokens = new SocketTokens('s'.repeat(40), 60_000, () => now);
  const { token, expires_at } = tokens.mint('01USER');
  assert.equal(expires_at, 1_060_000);
  assert.equal(tokens.verify(token), '01USER');
  now = 1_059_999;
  assert.equal(tokens.verify(token), '01USER');
  now = 1_060_000;
  assert.equal(tokens.verify(token), undefined);
});

test('forged, tampered and foreign tokens are refused', () => {
  const tokens = new SocketTokens('a'.repeat(40), 60_000);
  const other = new SocketTokens('b'.repeat(40), 60_000);
  const { token } = tokens.mint('01USER');
  const [v, user, exp, sig] = token.split('.');
  assert.equal(tokens.verify(other.mint('01USER').token), undefined);
  assert.equal(tokens.verify(`${v}.01OTHER.${exp}.${sig}`), undefined);
  assert.equal(tokens.verify(`${v}.${user}.${Number(exp) + 1}.${sig}`), undefined);
  assert.equal(tokens.verify(`${v}.${user}.${exp}.${sig!.slice(0, -1)}A`), undefined);
  for (const bad of [undefined, null, 42, '', 'v1', 'x'.repeat(1000), {}]) assert.equal(tokens.verify(bad), undefined);
});
