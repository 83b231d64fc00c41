import type { AccountToken, AccountTokenPurpose } from '../domain/types.ts';

/**
 * Single-use mailed links, stored as the SHA-256 of their token only. `take` is the one way to use
 * one: it marks the token used in the same statement that finds it, so two clicks (or two nodes)
 * can never both succeed.
 */
export interface AccountTokenRepository {
  create(token: AccountToken): Promise<void>;
  /** Marks the unexpired, unused token of `purpose` used and returns it; undefined otherwise. */
  take(tokenHash: string, purpose: AccountTokenPurpose, now: number): Promise<AccountToken | undefined>;
  /** The token of `purpose` (used or not, expired or not): why one cannot be taken, and whose it is. */
  find(tokenHash: string, purpose: AccountTokenPurpose): Promise<(AccountToken & { used: boolean }) | undefined>;
  /** Voids every unused token of `purpose` for the user (a newer link replaces the older ones). */
  revokeForUser(userId: string, purposes: readonly AccountTokenPurpose[], now: number): Promise<number>;
  /** Housekeeping: tokens expired before `before`. */
  deleteExpired(before: number): Promise<number>;
}
