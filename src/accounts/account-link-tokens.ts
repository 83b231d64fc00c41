import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountTokenPurpose } from '../domain/types.ts';

const RANDOM_BYTES = 32;
const SIGNATURE_BYTES = 16;
const SHAPE = /^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}$/;

/**
 * The tokens of mailed account links: `<32 random bytes>.<HMAC-SHA256/128 of purpose and random>`,
 * base64url. The signature (a key derived from the server secret for this use only) lets a forged
 * or mistyped token be refused without a store read; the random part is what the store keeps, as
 * its SHA-256 only, so a leaked database opens no link. A token signed for one purpose never
 * verifies for another.
 */
export class AccountLinkTokens {
  private readonly key: Buffer;

  constructor(secret: string | Buffer) {
    this.key = createHmac('sha256', secret).update('renraku account link v1').digest();
  }

  /** A new token and the hash to store for it. */
  mint(purpose: AccountTokenPurpose): { token: string; hash: string } {
    const random = randomBytes(RANDOM_BYTES).toString('base64url');
    return { token: `${random}.${this.sign(purpose, random)}`, hash: hashLinkToken(random) };
  }

  /** The stored hash of a well-formed token signed for `purpose`; undefined for anything else. */
  verify(purpose: AccountTokenPurpose, token: unknown): string | undefined {
    if (typeof token !== 'string' || !SHAPE.test(token)) return undefined;
    const [random, signature] = token.split('.') as [string, string];
    const expected = Buffer.from(this.sign(purpose, random));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return hashLinkToken(random);
  }

  private sign(purpose: AccountTokenPurpose, random: string): string {
    return createHmac('sha256', this.key).update(`${purpose}.${random}`).digest().subarray(0, SIGNATURE_BYTES).toString('base64url');
  }
}

function hashLinkToken(random: string): string {
  return createHash('sha256').update(random).digest('base64url');
}
