/**
 * The outbox as the mail code sees it: durable rows, one per (message_key, recipient), and
 * the bounces recorded against members. No driver types; implemented once with Kysely for
 * SQLite and PostgreSQL (src/adapters/store/outbox-repository.ts).
 *
 * Every state change of a claimed row names its claimer and only applies while the row is
 * still `sending` for that claimer: a dispatcher whose lease was taken over changes nothing.
 */
export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'bounced' | 'failed';

export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['queued', 'sending', 'sent', 'bounced', 'failed'];

export interface OutboxRow {
  /** A ULID; also the left part of the Message-ID and what the VERP token names. */
  id: string;
  message_key: string;
  user_id: string | null;
  /** The address as given; the unique key uses its lower-cased form. */
  recipient: string;
  from_address: string;
  reply_to: string | null;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** Extra headers, already checked by the Outbox (no header it manages itself). */
  headers: Record<string, string>;
  /** The Message-ID header as sent, `<id@list domain>`: stable across retries, so replies thread. */
  message_id: string;
  status: OutboxStatus;
  /** Sends started (counted when claimed, so a row that crashes its dispatcher still runs out). */
  attempts: number;
  /** When a queued row is due. */
  next_attempt_at: number;
  /** While `sending`: the claim is void after this, and another dispatcher may take the row. */
  lease_until: number | null;
  claimed_by: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

/** What the Outbox inserts; the state columns start as queued, no attempt, due at created_at. */
export type NewOutboxRow = Pick<
  OutboxRow,
  'id' | 'message_key' | 'user_id' | 'recipient' | 'from_address' | 'reply_to' | 'subject' | 'text_body' | 'html_body' | 'headers' | 'message_id' | 'created_at'
> & {
  /** Account mail (verification, reset, notices): the only mail a member with an unverified address
   *  gets. Other rows for such a member are not inserted (OutgoingMail.account_mail). Not stored. */
  account_mail?: boolean;
};

/** A permanent refusal of one outbox row's mail (a 5xx from the relay now, a DSN later). */
export interface MailBounce {
  outbox_id: string;
  user_id: string | null;
  recipient: string;
  /** SMTP reply code (550, …); 0 when the source gave none. */
  code: number;
  detail: string;
  created_at: number;
}

export interface ClaimOptions {
  claimer: string;
  now: number;
  leaseUntil: number;
  limit: number;
}

/** How one claimed row ended up: what `settle` writes. */
export type Settlement =
  /** The relay said 250. */
  | { id: string; status: 'sent'; at: number }
  /** A temporary failure: queued again, due at `nextAttemptAt`. */
  | { id: string; status: 'queued'; nextAttemptAt: number; error: string }
  /** Given up: out of attempts, or the mail can never be sent as it is. */
  | { id: string; status: 'failed'; error: string }
  /** A permanent refusal for the recipient (5xx): recorded as a bounce too. */
  | { id: string; status: 'bounced'; code: number; detail: string; at: number };

export interface OutboxRepository {
  /** Inserts the rows whose (message_key, lower-cased recipient) is new; returns how many. */
  enqueue(rows: NewOutboxRow[]): Promise<number>;
  /**
   * Takes up to `limit` due rows, oldest due first: queued ones with next_attempt_at ≤ now,
   * and sending ones whose lease ran out (a crashed dispatcher's). They become `sending` for
   * `claimer` until `leaseUntil`, attempts + 1. Atomic: two claimers never get the same row
   * while its lease holds.
   */
  claim(options: ClaimOptions): Promise<OutboxRow[]>;
  /**
   * Records how sends ended, all in one transaction: one commit for several rows (the
   * dispatcher's group commit). Only rows still `sending` for `claimer` change; returns
   * the ids that did. A bounce also records a MailBounce for the row's user.
   */
  settle(claimer: string, settlements: Settlement[]): Promise<Set<string>>;
  /** Claimed rows that were never tried: queued again at `nextAttemptAt`, their attempt given back. */
  release(ids: string[], claimer: string, nextAttemptAt: number): Promise<number>;
  /** The earliest time a row becomes claimable (a queued row's due time or a lease's end). */
  nextDueAt(): Promise<number | undefined>;
  find(id: string): Promise<OutboxRow | undefined>;
  /** Rows of one message, by recipient. */
  listByMessageKey(messageKey: string): Promise<OutboxRow[]>;
  countByStatus(): Promise<Record<OutboxStatus, number>>;
  /** Records a bounce of an outbox row (the DSN path); a second one for the same row is ignored. */
  recordBounce(outboxId: string, bounce: { code: number; detail: string; at: number }): Promise<boolean>;
  /** A member's bounces, newest first. */
  listBounces(userId: string): Promise<MailBounce[]>;
  countBounces(userId: string, since: number): Promise<number>;
}
