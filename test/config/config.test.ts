import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

test('defaults give a working single node', () => {
  const c = loadConfig({});
  assert.equal(c.httpPort, 4000);
  assert.equal(c.smtpPort, 2525);
  assert.equal(c.databaseUrl, '');
  assert.equal(c.publicUrl, 'http://localhost:4000');
  assert.ok(c.dataDir.endsWith('data'));
  assert.ok(Object.isFrozen(c));
});

test('a bad value names its variable', () => {
  const cases: Record<string, string>[] = [
    { RENRAKU_HTTP_PORT: 'eighty' },
    { RENRAKU_HTTP_PORT: '70000' },
    { RENRAKU_DATABASE_URL: 'mysql://x' },
    { RENRAKU_REDIS_URL: 'http://x' },
    { RENRAKU_PUBLIC_URL: 'ftp://x' },
    { RENRAKU_SECRET: 'short' },
    { RENRAKU_LOG_LEVEL: 'loud' },
    { RENRAKU_SMTP_RELAY_URL: 'mail.example' },
    { RENRAKU_REDIS_URL: 'redis://127.0.0.1:6379' },
    { RENRAKU_SMTP_TRUST_FROM: 'yes' },
    { RENRAKU_TRUST_PROXY: 'proxy.example' },
    { RENRAKU_TRUST_PROXY: '10.0.0.0/33' },
    { RENRAKU_THROTTLE_EXEMPT: '10.0.0.0/8' },
  ];
  for (const env of cases) {
    const name = Object.keys(env)[0]!;
    assert.throws(() => loadConfig(env), (err: unknown) => {
      assert.ok(err instanceof ConfigError, `${name}: ConfigError`);
      const expected = name === 'RENRAKU_REDIS_URL' && env[name]!.startsWith('redis') ? 'RENRAKU_SECRET' : name;
      assert.equal(err.variable, expected);
      assert.ok(err.message.startsWith(expected));
      return true;
    });
  }
});

test('STARTTLS takes a certificate and its key together: half a pair names the missing one', () => {
  assert.throws(() => loadConfig({ RENRAKU_SMTP_TLS_KEY_PATH: 'tls.key' }), (err: unknown) => err instanceof ConfigError && err.variable === 'RENRAKU_SMTP_TLS_CERT_PATH');
  assert.throws(() => loadConfig({ RENRAKU_SMTP_TLS_CERT_PATH: 'tls.crt' }), (err: unknown) => err instanceof ConfigError && err.variable === 'RENRAKU_SMTP_TLS_KEY_PATH');
  const both = loadConfig({ RENRAKU_SMTP_TLS_CERT_PATH: 'tls.crt', RENRAKU_SMTP_TLS_KEY_PATH: 'tls.key' });
  assert.ok(both.smtpTlsCertPath.endsWith('/tls.crt') && both.smtpTlsCertPath.startsWith('/'));
  assert.ok(both.smtpTlsKeyPath.endsWith('/tls.key') && both.smtpTlsKeyPath.startsWith('/'));
  assert.equal(loadConfig({}).smtpTlsCertPath, '');
});

test('proxies, throttle exemptions and trusting From: off unless set', () => {
  const c = loadConfig({});
  assert.deepEqual([c.trustProxy, c.throttleExempt, c.smtpTrustFrom], [false, [], false]);
  const set = loadConfig({ RENRAKU_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1', RENRAKU_THROTTLE_EXEMPT: '192.0.2.7', RENRAKU_SMTP_TRUST_FROM: 'TRUE' });
  assert.deepEqual([set.trustProxy, set.throttleExempt, set.smtpTrustFrom], [['127.0.0.1', '10.0.0.0/8', '::1'], ['192.0.2.7'], true]);
});
