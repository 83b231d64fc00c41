import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'bounces+';
/** 80 bits of HMAC: far beyond guessing by sending forged bounces, short enough for a local part. */
const MAC_HEX_CHARS = 20;
const ULID = /^[0-9a-hjkmnp-tv-z]{26}$/;
const MAC = new RegExp(`^[0-9a-f]{${MAC_HEX_CHARS}}$`);

/**
 * VERP return paths, `bounces+<outbox id>-<mac>@<list domain>`: a bounce sent there names the
 * outbox row it is about, and the MAC (HMAC-SHA256 with a key derived from the server secret)
 * lets the inbound side ignore forged ones. All lower case, because some mail systems change
 * the case of local parts; ULIDs and hex do not care.
 */
export class VerpAddresses {
  private readonly key: Buffer;
  private readonly domain: string;

  constructor(secret: string | Buffer, domain: string) {
    this.key = createHmac('sha256', secret).update('renraku verp v1').digest();
    this.domain = domain.toLowerCase();
  }

  address(outboxId: string): string {
    const id = outboxId.toLowerCase();
    return `${PREFIX}${id}-${this.mac(id)}@${this.domain}`;
  }

  /** The outbox id (upper case, as stored) of a genuine VERP address of ours; undefined otherwise. */
  parse(address: string): string | undefined {
    const lower = address.trim().replace(/^<|>$/g, '').toLowerCase();
    const at = lower.lastIndexOf('@');
    if (at < 0 || lower.slice(at + 1) !== this.domain || !lower.startsWith(PREFIX)) return undefined;
    const [id, mac, ...rest] = lower.slice(PREFIX.length, at).split('-');
    if (id === undefined || mac === undefined || rest.length > 0 || !ULID.test(id) || !MAC.test(mac)) return undefined;
    const expected = Buffer.from(this.mac(id));
    return timingSafeEqual(Buffer.from(mac), expected) ? id.toUpperCase() : undefined;
  }

  private mac(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('hex').slice(0, MAC_HEX_CHARS);
  }
}
