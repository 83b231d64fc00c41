import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { memoryAttemptLimiters } from '../../src/adapters/limiter/flexible-attempt-limiters.ts';
import { clientAddressKey } from '../../src/accounts/client-address.ts';
import { THROTTLE_POLICIES, type ThrottlePolicies } from '../../src/accounts/throttle-policies.ts';
import { Throttles } from '../../src/accounts/throttles.ts';
import { AppError, isAppError } from '../../src/domain/app-error.ts';

/** The real budgets' shapes with small numbers, so a test spends a few attempts, not a hundred scrypt runs. */
const SMALL: ThrottlePolicies = {
  ...THROTTLE_POLICIES,
  loginAccount: { ...THROTTLE_POLICIES.loginAccount, points: 2 },
  loginAddress: { ...THROTTLE_POLICIES.loginAddress, points: 3 },
  passwordResetAddress: { ...THROTTLE_POLICIES.passwordResetAddress, points: 3 },
  passwordResetEmail: { ...THROTTLE_POLICIES.passwordResetEmail, points: 2 },
  verificationResendUser: { ...THROTTLE_POLICIES.verificationResendUser, points: 2 },
};

const wrongPassword = async (): Promise<never> => {
  throw new AppError('invalid_credentials');
};
const codeOf = (err: unknown) => (isAppError(err) ? err.code : String(err));

describe('Throttles over memory limiters', () => {
  test('the per-address sign-in budget stops one address spraying many accounts; exempt addresses are not counted', async () => {
    const throttles = new Throttles({ limiters: memoryAttemptLimiters(), policies: SMALL, exemptAddresses: ['10.0.0.5'] });
    for (let i = 0; i < 3; i++) await assert.rejects(throttles.login.attempt(`a${i}@x.test`, '192.0.2.1', wrongPassword), (e) => codeOf(e) === 'invalid_credentials');
    await assert.rejects(throttles.login.attempt('fresh@x.test', '192.0.2.1', async () => 'ok'), (e) => codeOf(e) === 'too_many_attempts');
    assert.equal(await throttles.login.attempt('fresh@x.test', '::ffff:192.0.2.2', async () => 'ok'), 'ok');
    for (let i = 0; i < 5; i++) await assert.rejects(throttles.login.attempt(`b${i}@x.test`, '10.0.0.5', wrongPassword), (e) => codeOf(e) === 'invalid_credentials');
    assert.equal(await throttles.login.attempt('c@x.test', '10.0.0.5', async () => 'ok'), 'ok');
  });

  test('other errors than a wrong password are not counted', async () => {
    const throttles = new Throttles({ limiters: memoryAttemptLimiters(), policies: SMALL });
    const broken = async (): Promise<never> => {
      throw new Error('store down');
    };
    for (let i = 0; i < 4; i++) await assert.rejects(throttles.login.attempt('a@x.test', '192.0.2.1', broken), /store down/);
    assert.equal(await throttles.login.attempt('a@x.test', '192.0.2.1', async () => 'ok'), 'ok');
  });

  test('password reset counts per address and per email; resends per user; refusals carry retry_after_ms', async () => {
    const throttles = new Throttles({ limiters: memoryAttemptLimiters(), policies: SMALL });
    await throttles.passwordReset.take('192.0.2.1', 'Mum@x.test');
    await throttles.passwordReset.take('192.0.2.2', 'mum@x.test');
    await assert.rejects(throttles.passwordReset.take('192.0.2.3', 'mum@x.test'), (e) => codeOf(e) === 'too_many_attempts');
    await throttles.passwordReset.take('192.0.2.1', 'dad@x.test');
    await throttles.passwordReset.take('192.0.2.1', 'kid@x.test');
    await assert.rejects(throttles.passwordReset.take('192.0.2.1', 'aunt@x.test'), (e) => codeOf(e) === 'too_many_attempts');
    await throttles.verificationResend.take('user-1');
    await throttles.verificationResend.take('user-1');
    await assert.rejects(throttles.verificationResend.take('user-1'), (e) => {
      const ms = isAppError(e) ? (e.details?.retry_after_ms as number) : 0;
      return ms > 0 && ms <= THROTTLE_POLICIES.verificationResendUser.durationMs;
    });
    await throttles.verificationResend.take('user-2');
  });
});

describe('clientAddressKey', () => {
  test('IPv4 as it is, IPv4-mapped as IPv4, IPv6 by its /64', () => {
    assert.equal(clientAddressKey('192.0.2.1'), '192.0.2.1');
    assert.equal(clientAddressKey('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(clientAddressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(clientAddressKey('2001:DB8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(clientAddressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientAddressKey('::1'), '0:0:0:0::/64');
    assert.equal(clientAddressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  });
});
