import { createHmac, timingSafeEqual } from 'node:crypto';

export type ReadLinkCheck =
  | { ok: true; announcementId: string; userId: string }
  | { ok: false; reason: 'read_link_invalid' | 'read_link_expired' };

/** Ids are ULIDs; anything else in a token is forged. */
const ID = /^[0-9A-Za-z_-]{1,64}$/;

/** HMAC-SHA256 truncated to 128 bits (RFC 2104 allows it): forging one still takes 2^128
 *  tries, and the whole token stays under the router's 100-character path-parameter bound. */
const SIGNATURE_BYTES = 16;

/**
 * Signed read links for email: `r1.<announcement>.<user>.<expiresAtMs base 36>.<signature>`.
 * Following one proves the mail reached that recipient, so it marks the announcement read
 * without a session. Stateless (any node verifies), keyed by a key derived from the server
 * secret for this purpose alone, so no other token of ours is ever a valid read link.
 */
export class ReadLinks {
  private readonly key: Buffer;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(secret: string | Buffer, ttlMs: number, now: () => number = Date.now) {
    this.key = createHmac('sha256', secret).update('renraku read link v1').digest();
    this.ttlMs = ttlMs;
    this.now = now;
  }

  mint(announcementId: string, userId: string): string {
    const body = `r1.${announcementId}.${userId}.${(this.now() + this.ttlMs).toString(36)}`;
    return `${body}.${this.sign(body)}`;
  }

  /** A forged or malformed token is invalid; a genuine one past its expiry is expired. */
  verify(token: string): ReadLinkCheck {
    const parts = token.length <= 256 ? token.split('.') : [];
    if (parts.length !== 5 || parts[0] !== 'r1') return { ok: false, reason: 'read_link_invalid' };
    const [, announcementId, userId, exp, sig] = parts as [string, string, string, string, string];
    const expected = Buffer.from(this.sign(`r1.${announcementId}.${userId}.${exp}`));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'read_link_invalid' };
    const expiresAt = /^[0-9a-z]{1,11}$/.test(exp) ? parseInt(exp, 36) : NaN;
    if (!ID.test(announcementId) || !ID.test(userId) || !Number.isSafeInteger(expiresAt)) return { ok: false, reason: 'read_link_invalid' };
    if (expiresAt <= this.now()) return { ok: false, reason: 'read_link_expired' };
    return { ok: true, announcementId, userId };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, SIGNATURE_BYTES).toString('base64url');
  }
}
