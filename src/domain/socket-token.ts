import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** What a valid socket token names: the user, and the session that minted it. */
export interface SocketTokenClaims {
  userId: string;
  sessionId: string;
}

/**
 * Short-lived socket tokens: `v2.<userId>.<sessionId>.<expiresAtMs>.<hmac-sha256 base64url>`,
 * signed with the node's secret (shared by every node of a cluster). The signature is checked
 * without the store, so any node verifies a token minted on another; the session it names is
 * checked at connect too, so a token of an ended session is refused before it expires.
 */
export class SocketTokens {
  /** Imported once: an HMAC keyed with a KeyObject skips the key import a Buffer costs on every
   *  sign and verify (one verify per connection, so a reconnect storm pays it thousands of times). */
  private readonly key: KeyObject;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(secret: string | Buffer, ttlMs: number, now: () => number = Date.now) {
    this.key = createSecretKey(Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8'));
    this.ttlMs = ttlMs;
    this.now = now;
  }

  mint(userId: string, sessionId: string): { token: string; expires_at: number } {
    if (userId.includes('.') || sessionId.includes('.')) throw new TypeError('socket token: ids may not contain "."');
    const expiresAt = this.now() + this.ttlMs;
    const body = `v2.${userId}.${sessionId}.${expiresAt}`;
    return { token: `${body}.${this.sign(body)}`, expires_at: expiresAt };
  }

  /** The claims of a validly signed, unexpired token; undefined for anything else. */
  verify(token: unknown): SocketTokenClaims | undefined {
    if (typeof token !== 'string' || token.length > 256) return undefined;
    const parts = token.split('.');
    if (parts.length !== 5 || parts[0] !== 'v2') return undefined;
    const [, userId, sessionId, exp, sig] = parts as [string, string, string, string, string];
    const expected = Buffer.from(this.sign(`v2.${userId}.${sessionId}.${exp}`));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const expiresAt = Number(exp);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= this.now()) return undefined;
    return { userId, sessionId };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
