import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import type { FeedbackRepository } from './feedback-repository.ts';

const PREFIX = 'reply+';
/** Base32, lower case: mail systems may change the case of a local part, base32 does not care. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** 20 characters of base32 = 100 bits of HMAC: forging a reply means guessing them. */
const TOKEN_CHARS = 20;
const TOKEN = new RegExp(`^[${ALPHABET}]{${TOKEN_CHARS}}$`);

/**
 * The Reply-To of announcement mail, `reply+<token>@<list domain>`: replying to it answers the
 * announcement for the member it was sent to. The token is HMAC-SHA256 of (announcement, user)
 * under a key derived from the server secret for this use only; it is also stored with the
 * pair, because a local part must stay within RFC 5321's 64 characters and two ULIDs plus a
 * MAC do not fit. A token someone made up is in no row; a row is only trusted when its token
 * is the MAC of its own pair.
 */
export class ReplyAddresses {
  private readonly key: Buffer;
  private readonly domain: string;
  private readonly repository: Pick<FeedbackRepository, 'putReplyTokens' | 'findReplyToken'>;
  private readonly clock: Clock;

  constructor(options: { secret: string | Buffer; domain: string; repository: Pick<FeedbackRepository, 'putReplyTokens' | 'findReplyToken'>; clock: Clock }) {
    this.key = createHmac('sha256', options.secret).update('renraku reply address v1').digest();
    this.domain = options.domain.toLowerCase();
    this.repository = options.repository;
    this.clock = options.clock;
  }

  /** The token of a pair (deterministic: minting again gives the same address). */
  token(announcementId: string, userId: string): string {
    const mac = createHmac('sha256', this.key).update(`${announcementId}\n${userId}`).digest();
    let out = '';
    let buffer = 0;
    let bits = 0;
    for (const byte of mac) {
      buffer = ((buffer << 8) | byte) & 0xffff;
      bits += 8;
      while (bits >= 5 && out.length < TOKEN_CHARS) {
        out += ALPHABET[(buffer >> (bits - 5)) & 31]!;
        bits -= 5;
      }
      if (out.length === TOKEN_CHARS) break;
    }
    return out;
  }

  address(announcementId: string, userId: string): string {
    return `${PREFIX}${this.token(announcementId, userId)}@${this.domain}`;
  }

  /** Stores the tokens of these recipients and returns each one's address (user id → address). */
  async mint(announcementId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    const now = this.clock.now();
    const rows = userIds.map((userId) => ({ token: this.token(announcementId, userId), announcement_id: announcementId, user_id: userId, created_at: now }));
    await this.repository.putReplyTokens(rows);
    return new Map(rows.map((r) => [r.user_id, `${PREFIX}${r.token}@${this.domain}`]));
  }

  /** The pair a reply address of ours names; undefined for anything else (forged, unknown, other domain). */
  async resolve(address: string): Promise<{ announcementId: string; userId: string; token: string } | undefined> {
    const lower = address.trim().replace(/^<|>$/g, '').toLowerCase();
    const at = lower.lastIndexOf('@');
    if (at < 0 || lower.slice(at + 1) !== this.domain || !lower.startsWith(PREFIX)) return undefined;
    const token = lower.slice(PREFIX.length, at);
    if (!TOKEN.test(token)) return undefined;
    const pair = await this.repository.findReplyToken(token);
    if (pair === undefined) return undefined;
    const expected = Buffer.from(this.token(pair.announcement_id, pair.user_id));
    if (!timingSafeEqual(Buffer.from(token), expected)) return undefined;
    return { announcementId: pair.announcement_id, userId: pair.user_id, token };
  }
}
