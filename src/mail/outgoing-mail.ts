import type { NewOutboxRow } from './outbox-repository.ts';

/**
 * One email to one recipient, as the rest of the server hands it to the outbox
 * (outbox.ts). The outbox stores one row per (message_key, to): enqueueing the same pair
 * again is a no-op, which is how "nothing is sent twice to one recipient for one message" is
 * kept across retries, restarts and re-runs of a job.
 */
export interface OutgoingMail {
  /** What this mail is, stable across retries: e.g. `ann:<id>:send`, `ann:<id>:remind:2`. */
  message_key: string;
  /** The member it goes to (bounces are recorded against them), or null. */
  user_id: string | null;
  to: string;
  /** Defaults to the server's From (`Renraku <noreply@<list domain>>`). */
  from?: string;
  reply_to?: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers (List-Id, In-Reply-To, …). */
  headers?: Record<string, string>;
  /**
   * Mail about the account itself (address verification, password reset, security notices): the
   * only mail that goes to an address not yet verified. Any other mail to a member (`user_id`)
   * whose address is unverified is not queued.
   */
  account_mail?: boolean;
}

export interface MailEnqueuer {
  /** Durably queues the mails; returns how many were new (duplicates of (message_key, to) are skipped). */
  enqueue(mails: OutgoingMail[]): Promise<number>;
}

/**
 * For a caller that commits mail in its own store transaction, together with the change the
 * mail tells of (an announcement's send): either both are stored or neither.
 */
export interface MailPreparer {
  /** The outbox rows of these mails, checked as `enqueue` checks them (it throws the same way); stores nothing. */
  prepare(mails: OutgoingMail[]): NewOutboxRow[];
  /** Rows from `prepare` were committed: the dispatcher wakes up. */
  committed(): void;
}
