import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'lu1';
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * One-click unsubscribe tokens (RFC 8058): `lu1.<group>.<user>.<HMAC-SHA256/128 base64url>`,
 * keyed by a key derived from the server secret for this use only. They do not expire: a
 * List-Unsubscribe link must work on an old mail, and all it can do is stop list mail.
 */
export class UnsubscribeLinks {
  private readonly key: Buffer;

  constructor(secret: string | Buffer) {
    this.key = createHmac('sha256', secret).update('renraku list unsubscribe v1').digest();
  }

  token(groupId: string, userId: string): string {
    return `${PREFIX}.${groupId}.${userId}.${this.mac(groupId, userId)}`;
  }

  /** The (group, user) of a genuine token; undefined for anything else. */
  verify(token: string): { groupId: string; userId: string } | undefined {
    const [prefix, groupId, userId, mac, ...rest] = token.split('.');
    if (prefix !== PREFIX || rest.length > 0 || groupId === undefined || userId === undefined || mac === undefined) return undefined;
    if (!ULID.test(groupId) || !ULID.test(userId)) return undefined;
    const expected = Buffer.from(this.mac(groupId, userId));
    const given = Buffer.from(mac);
    return given.length === expected.length && timingSafeEqual(given, expected) ? { groupId, userId } : undefined;
  }

  private mac(groupId: string, userId: string): string {
    return createHmac('sha256', this.key).update(`${groupId}.${userId}`).digest().subarray(0, 16).toString('base64url');
  }
}
