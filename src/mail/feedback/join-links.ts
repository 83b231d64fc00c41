import { createHmac, timingSafeEqual } from 'node:crypto';

/** 128 bits of HMAC-SHA256, as the read links: unguessable, and the whole link stays short. */
const SIGNATURE_BYTES = 16;
const ID = /^[0-9A-Z]{26}$/;

/**
 * The confirmation link of a join by mail: `j1.<request id>.<signature>`, keyed by a key
 * derived from the server secret for this use alone. It names the request; the request's age
 * (not the token) decides whether it has expired, so a confirmation mail cannot outlive it.
 */
export class JoinLinks {
  private readonly key: Buffer;

  constructor(secret: string | Buffer) {
    this.key = createHmac('sha256', secret).update('renraku mail join v1').digest();
  }

  mint(requestId: string): string {
    return `j1.${requestId}.${this.sign(requestId)}`;
  }

  /** The request id of a genuine link; undefined for a forged or malformed one. */
  verify(token: string): string | undefined {
    const parts = token.length <= 100 ? token.split('.') : [];
    if (parts.length !== 3 || parts[0] !== 'j1' || !ID.test(parts[1]!)) return undefined;
    const expected = Buffer.from(this.sign(parts[1]!));
    const given = Buffer.from(parts[2]!);
    return given.length === expected.length && timingSafeEqual(given, expected) ? parts[1] : undefined;
  }

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(id).digest().subarray(0, SIGNATURE_BYTES).toString('base64url');
  }
}
