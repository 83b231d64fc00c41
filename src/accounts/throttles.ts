import { AppError, isAppError } from '../domain/app-error.ts';
import type { AttemptLimiter, AttemptLimiters, AttemptVerdict } from './attempt-limiter.ts';
import { clientAddressKey } from './client-address.ts';
import { THROTTLE_POLICIES, type ThrottlePolicies } from './throttle-policies.ts';

/** Where refusals and failed sign-ins are counted (OpsMetrics: `renraku_login_failures_total`, `renraku_throttled_total`). */
export interface ThrottleMetrics {
  loginFailed(): void;
  throttled(policy: string): void;
}

export interface ThrottlesDeps {
  limiters: AttemptLimiters;
  policies?: ThrottlePolicies;
  /** Client addresses the per-address budgets do not apply to (RENRAKU_THROTTLE_EXEMPT); per-account budgets still do. */
  exemptAddresses?: readonly string[];
  metrics?: ThrottleMetrics;
}

/**
 * The named attempt budgets of the account life cycle (values in LIMITS), cluster-wide when the
 * limiters count in Redis. A refusal throws AppError('too_many_attempts') with `retry_after_ms`,
 * which the HTTP error handler answers 429 with `Retry-After` (seconds). The client address is
 * Fastify's `request.ip` (the proxy's client when RENRAKU_TRUST_PROXY names the proxy).
 *
 * From a route:
 *   const signed = await throttles.login.attempt(email, request.ip, () => accounts.login(email, password));
 *   await throttles.signup.take(request.ip);                  // before creating the account
 *   await throttles.passwordReset.take(request.ip, email);    // before mailing a reset link
 *   await throttles.verificationResend.take(user.id);         // before mailing the verification again
 */
export class Throttles {
  readonly login: LoginThrottle;
  /** Every sign-up attempt counts against the client address. */
  readonly signup: { take(ip: string): Promise<void> };
  /** Every reset request counts against the client address and against the email address asked for. */
  readonly passwordReset: { take(ip: string, email: string): Promise<void> };
  /** Every resend counts against the user. */
  readonly verificationResend: { take(userId: string): Promise<void> };

  constructor(deps: ThrottlesDeps) {
    const policies = deps.policies ?? THROTTLE_POLICIES;
    const exempt = new Set((deps.exemptAddresses ?? []).map(clientAddressKey));
    const budget = (policy: keyof ThrottlePolicies) => new Budget(deps.limiters.create(policies[policy]), deps.metrics);
    const addressOf = (ip: string): string | undefined => {
      const key = clientAddressKey(ip);
      return exempt.has(key) ? undefined : key;
    };
    this.login = new LoginThrottle(budget('loginAccount'), budget('loginAddress'), addressOf, deps.metrics);
    const signupAddress = budget('signupAddress');
    this.signup = { take: (ip) => signupAddress.take(addressOf(ip)) };
    const resetAddress = budget('passwordResetAddress');
    const resetEmail = budget('passwordResetEmail');
    this.passwordReset = {
      async take(ip, email) {
        await resetAddress.take(addressOf(ip));
        await resetEmail.take(emailKey(email));
      },
    };
    const resendUser = budget('verificationResendUser');
    this.verificationResend = { take: (userId) => resendUser.take(userId) };
  }
}

/**
 * Sign-in counts failures only: both budgets are checked before the password is (so the right
 * password is refused too while blocked), a wrong password or unknown email counts against the
 * account and the address, and a success clears the account's failures.
 */
export class LoginThrottle {
  private readonly account: Budget;
  private readonly address: Budget;
  private readonly addressOf: (ip: string) => string | undefined;
  private readonly metrics: ThrottleMetrics | undefined;

  constructor(account: Budget, address: Budget, addressOf: (ip: string) => string | undefined, metrics: ThrottleMetrics | undefined) {
    this.account = account;
    this.address = address;
    this.addressOf = addressOf;
    this.metrics = metrics;
  }

  async attempt<T>(email: string, ip: string, signIn: () => Promise<T>): Promise<T> {
    const account = emailKey(email);
    const address = this.addressOf(ip);
    refuse([await this.account.check(account), await this.address.check(address)], this.metrics, this.account, this.address);
    try {
      const result = await signIn();
      await this.account.reset(account);
      return result;
    } catch (error) {
      if (isAppError(error) && error.code === 'invalid_credentials') {
        this.metrics?.loginFailed();
        await Promise.all([this.account.count(account), this.address.count(address)]);
      }
      throw error;
    }
  }
}

/** One policy's limiter; an undefined key (an exempt address) is never limited. */
class Budget {
  readonly limiter: AttemptLimiter;
  private readonly metrics: ThrottleMetrics | undefined;

  constructor(limiter: AttemptLimiter, metrics: ThrottleMetrics | undefined) {
    this.limiter = limiter;
    this.metrics = metrics;
  }

  check(key: string | undefined): Promise<AttemptVerdict> {
    return key === undefined ? Promise.resolve(OPEN) : this.limiter.check(key);
  }

  async count(key: string | undefined): Promise<void> {
    if (key !== undefined) await this.limiter.consume(key);
  }

  async take(key: string | undefined): Promise<void> {
    if (key === undefined) return;
    refuse([await this.limiter.consume(key)], this.metrics, this);
  }

  async reset(key: string | undefined): Promise<void> {
    if (key !== undefined) await this.limiter.reset(key);
  }
}

const OPEN: AttemptVerdict = Object.freeze({ allowed: true, retryAfterMs: 0 });

/** Throws too_many_attempts (the longest wait of the refusing budgets) when any verdict refuses. */
function refuse(verdicts: AttemptVerdict[], metrics: ThrottleMetrics | undefined, ...budgets: Budget[]): void {
  const refusing = verdicts.map((v, i) => ({ v, budget: budgets[i]! })).filter(({ v }) => !v.allowed);
  if (refusing.length === 0) return;
  for (const { budget } of refusing) metrics?.throttled(budget.limiter.policy.name);
  const retryAfterMs = Math.max(...refusing.map(({ v }) => v.retryAfterMs));
  throw new AppError('too_many_attempts', `Too many attempts: try again in ${Math.ceil(retryAfterMs / 60_000)} minute(s).`, { retry_after_ms: retryAfterMs });
}

function emailKey(email: string): string {
  return email.trim().toLowerCase();
}
