import type { ParsedMail } from 'mailparser';

/**
 * What the inbound SMTP server knows about one of our addresses once RCPT resolved it. Every
 * address we accept belongs to exactly one kind; any other recipient is refused at RCPT.
 *
 *   list    `<slug>@<list domain>`            a post to a group's mailing list
 *   join    `<slug>+join@<list domain>`       a request to join a group by mail
 *   bounce  `bounces+<outbox id>-<mac>@…`     a DSN about one outbox row (src/mail/verp.ts)
 *   reply   `reply+<token>@…`                 an answer to an announcement by reply
 */
export type InboundKind = 'list' | 'join' | 'bounce' | 'reply';

export interface InboundRecipient {
  readonly kind: InboundKind;
  /** The address as accepted, lower-cased, without angle brackets. */
  readonly address: string;
  /** The group it belongs to, when the kind has one (list, join; reply/bounce when known). */
  readonly groupId?: string;
  /** The part after `+` for bounce and reply (already verified by the resolver). */
  readonly token?: string;
}

/** One accepted message for one recipient, as committed before the SMTP server said 250. */
export interface InboundMail {
  /** Row id of the stored message (ULID); processing is idempotent per (id, recipient). */
  readonly id: string;
  /** The envelope sender (MAIL FROM); empty string for the null sender `<>` of DSNs. */
  readonly envelopeFrom: string;
  readonly recipient: InboundRecipient;
  /** The raw message exactly as received. */
  readonly raw: Buffer;
  /** mailparser's reading of `raw`. */
  readonly parsed: ParsedMail;
  readonly receivedAt: number;
}

/**
 * One kind of address. The SMTP server asks every handler in turn at RCPT; the first that
 * resolves the address owns it. After the message is committed, the owner's `process` runs
 * (possibly again after a crash: it must be idempotent per mail id).
 */
export interface InboundHandler {
  readonly kind: InboundKind;
  /** The recipient when this handler owns `address` (already lower-cased, no brackets); undefined otherwise. */
  resolve(address: string): Promise<InboundRecipient | undefined>;
  process(mail: InboundMail): Promise<void>;
}
