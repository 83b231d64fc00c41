import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { checkPasswordStrength } from '../../src/accounts/password-policy.ts';
import { LIMITS } from '../../src/config/limits.ts';
import { isAppError } from '../../src/domain/app-error.ts';
import { startTestServer, TEST_PASSWORD, type TestServer } from '../support/test-server.ts';

const refusal = (password: string, inputs: string[] = []) => {
  try {
    checkPasswordStrength(password, inputs);
    return undefined;
  } catch (err) {
    assert.ok(isAppError(err) && err.code === 'weak_password', String(err));
    return { message: err.message, ...err.details } as { message: string; reason: string; warning: string | null; suggestions: string[] };
  }
};

describe('checkPasswordStrength', () => {
  test('common passwords are refused with the estimator\'s warning and suggestion', () => {
    const r = refusal('secret123');
    assert.equal(r?.reason, 'weak');
    assert.equal(r?.warning, 'This is similar to a commonly used password.');
    assert.match(r!.message, /commonly used password\. .+/);
    assert.ok(r!.suggestions.length > 0);
    for (const common of ['password1', 'qwertyuiop', 'iloveyou2', '11111111']) assert.ok(refusal(common), common);
  });

  test('a password made of the person\'s own name and address is refused; the same is fine for someone else', () => {
    const inputs = ['kazuko.hanamura@example.test', 'Kazuko Hanamura'];
    assert.equal(refusal('hanamurakazuko', inputs)?.reason, 'weak');
    assert.equal(refusal('hanamurakazuko', ['someone@example.test', 'Someone']), undefined);
  });

  test('strong passwords pass; length is still 8 to 256', () => {
    assert.equal(refusal(TEST_PASSWORD, ['owner@example.test', 'Owner']), undefined);
    assert.equal(refusal('plum-kettle-orbit-58'), undefined);
    assert.equal(refusal('Xy7#q2')?.reason, 'too_short');
    assert.equal(refusal('plum-kettle-orbit-58 '.repeat(13))?.reason, 'too_long');
  });

  test('only the first characters are estimated (the estimate grows superlinearly: a 256-character one took seconds)', () => {
    const strongTail = randomBytes(96).toString('base64');
    assert.equal(refusal(`${'a'.repeat(LIMITS.passwordStrengthMaxChars)}${strongTail}`)?.reason, 'weak', 'a weak head is not saved by a strong tail');
    assert.equal(refusal(`${strongTail.slice(0, LIMITS.passwordStrengthMaxChars)}${'a'.repeat(120)}`), undefined);
  });
});

describe('sign-up refuses weak passwords over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('422 weak_password with a message a screen can show, and no account is made', async () => {
    const body = { email: 'weak@example.test', password: 'password123', name: 'Weak' };
    const res = await server.request('POST', '/api/signup', { body });
    assert.deepEqual([res.status, res.body.code, res.body.field, res.body.reason], [422, 'weak_password', 'password', 'weak']);
    assert.match(res.body.message, /commonly used password/);
    const login = await server.request('POST', '/api/login', { body: { email: body.email, password: body.password } });
    assert.equal(login.status, 401);
    assert.equal((await server.request('POST', '/api/signup', { body: { ...body, password: TEST_PASSWORD } })).status, 201);
  });
});
