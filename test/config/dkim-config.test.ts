import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

const DKIM = { RENRAKU_DKIM_DOMAIN: 'example.org', RENRAKU_DKIM_SELECTOR: 'renraku2026', RENRAKU_DKIM_PRIVATE_KEY_PATH: 'keys/dkim.pem' };

test('DKIM is off unless all three RENRAKU_DKIM_* are set', () => {
  const off = loadConfig({});
  assert.deepEqual([off.dkimDomain, off.dkimSelector, off.dkimPrivateKeyPath], ['', '', '']);
  const on = loadConfig(DKIM);
  assert.equal(on.dkimDomain, 'example.org');
  assert.equal(on.dkimSelector, 'renraku2026');
  assert.ok(on.dkimPrivateKeyPath.startsWith('/') && on.dkimPrivateKeyPath.endsWith('/keys/dkim.pem'), 'resolved to an absolute path');
});

test('a half-configured or malformed DKIM setting names the variable', () => {
  const cases: [Record<string, string>, string][] = [
    [{ RENRAKU_DKIM_DOMAIN: 'example.org' }, 'RENRAKU_DKIM_SELECTOR'],
    [{ ...DKIM, RENRAKU_DKIM_PRIVATE_KEY_PATH: ' ' }, 'RENRAKU_DKIM_PRIVATE_KEY_PATH'],
    [{ ...DKIM, RENRAKU_DKIM_DOMAIN: 'example.org; x=y' }, 'RENRAKU_DKIM_DOMAIN'],
    [{ ...DKIM, RENRAKU_DKIM_SELECTOR: 'a b' }, 'RENRAKU_DKIM_SELECTOR'],
  ];
  for (const [env, variable] of cases) {
    assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && error.variable === variable, variable);
  }
});
