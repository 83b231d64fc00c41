import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SocketTokens } from '../../src/domain/socket-token.ts';

test('a minted token verifies to its user until it expires', () => {
  let now = 1_000_000;
  const tokens = new SocketTokens('s'.repeat(40), 60_000, () => now);
  const { token, expires_at } = tokens.mint('01USER', 'S1');
  assert.equal(expires_at, 1_060_000);
  assert.deepEqual(tokens.verify(token), { userId: '01USER', sessionId: 'S1' });
  now = 1_059_999;
  assert.deepEqual(tokens.verify(token), { userId: '01USER', sessionId: 'S1' });
  now = 1_060_000;
  assert.equal(tokens.verify(token), undefined);
});

test('forged, tampered and foreign tokens are refused', () => {
  const tokens = new SocketTokens('a'.repeat(40), 60_000);
  const other = new SocketTokens('b'.repeat(40), 60_000);
  const { token } = tokens.mint('01USER', 'S1');
  const [v, user, session, exp, sig] = token.split('.');
  assert.equal(tokens.verify(other.mint('01USER', 'S1').token), undefined);
  assert.equal(tokens.verify(`${v}.01OTHER.${session}.${exp}.${sig}`), undefined);
  assert.equal(tokens.verify(`${v}.${user}.S2.${exp}.${sig}`), undefined, 'another session');
  assert.equal(tokens.verify(`${v}.${user}.${session}.${Number(exp) + 1}.${sig}`), undefined);
  const tampered = `${sig!.slice(0, -1)}${sig!.endsWith('A') ? 'B' : 'A'}`;
  assert.equal(tokens.verify(`${v}.${user}.${session}.${exp}.${tampered}`), undefined);
  assert.equal(tokens.verify(`v1.${user}.${exp}.${sig}`), undefined, 'the old format names no session');
  for (const bad of [undefined, null, 42, '', 'v1', 'x'.repeat(1000), {}]) assert.equal(tokens.verify(bad), undefined);
});
