import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Short-lived socket tokens: `v1.<userId>.<expiresAtMs>.<hmac-sha256 base64url>`, signed with
 * the node's secret (shared by every node of a cluster). Stateless, so any node verifies a
 * token minted on another, and a client may reuse one to reconnect until it expires.
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

  mint(userId: string): { token: string; expires_at: number } {
    const expiresAt = this.now() + this.ttlMs;
    const body = `v1.${userId}.${expiresAt}`;
    return { token: `${body}.${this.sign(body)}`, expires_at: expiresAt };
  }

  /** The user id of a valid, unexpired token; undefined for anything else. */
  verify(token: unknown): string | undefined {
    if (typeof token !== 'string' || token.length > 256) return undefined;
    const parts = token.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') return undefined;
    const [, userId, exp, sig] = parts as [string, string, string, string];
    const expected = Buffer.from(this.sign(`v1.${userId}.${exp}`));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const expiresAt = Number(exp);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= this.now()) return undefined;
    return userId;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
