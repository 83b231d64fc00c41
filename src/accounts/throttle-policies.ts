import { LIMITS } from '../config/limits.ts';
import type { AttemptPolicy } from './attempt-limiter.ts';

/** Every attempt budget of the account life cycle (values and reasons in LIMITS). */
export const THROTTLE_POLICIES = Object.freeze({
  loginAccount: { name: 'login-account', points: LIMITS.loginFailuresPerAccount, durationMs: LIMITS.loginFailureWindowMs },
  loginAddress: { name: 'login-address', points: LIMITS.loginFailuresPerAddress, durationMs: LIMITS.loginFailureWindowMs },
  signupAddress: { name: 'signup-address', points: LIMITS.signupsPerAddress, durationMs: LIMITS.signupWindowMs },
  passwordResetAddress: { name: 'reset-address', points: LIMITS.passwordResetsPerAddress, durationMs: LIMITS.passwordResetWindowMs },
  passwordResetEmail: { name: 'reset-email', points: LIMITS.passwordResetsPerEmail, durationMs: LIMITS.passwordResetWindowMs },
  verificationResendUser: { name: 'resend-user', points: LIMITS.verificationResendsPerUser, durationMs: LIMITS.verificationResendWindowMs },
} satisfies Record<string, AttemptPolicy>);

export type ThrottlePolicies = { readonly [K in keyof typeof THROTTLE_POLICIES]: AttemptPolicy };
