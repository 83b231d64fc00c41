import { LIMITS } from '../config/limits.ts';
import type { Clock } from '../domain/clock.ts';
import type { IdGenerator } from '../domain/ids.ts';
import { HEADER_NAME, MANAGED_HEADERS } from './mail-message.ts';
import type { MailEnqueuer, MailPreparer, OutgoingMail } from './outgoing-mail.ts';
import type { NewOutboxRow, OutboxRepository } from './outbox-repository.ts';

export interface OutboxOptions {
  repository: OutboxRepository;
  ids: IdGenerator;
  clock: Clock;
  /** RENRAKU_LIST_DOMAIN: the right part of Message-IDs and of the default From. */
  listDomain: string;
  /** Told after new rows were committed (the dispatcher wakes up). */
  onEnqueued?: () => void;
}

/** One address, no display name, no list: what SMTP's RCPT TO takes. */
const BARE_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;
/** CR, LF and the other controls (tab aside) never belong in a header. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * The server's way to send mail: `enqueue` commits one outbox row per mail and returns; a
 * dispatcher sends them later. Enqueueing the same (message_key, to) again — a job re-run
 * after a crash, a retry of a request — inserts nothing, so a recipient never gets one
 * message twice from here. Malformed mail is a bug in the caller: it throws, naming the mail
 * and what is allowed, and nothing of the batch is stored.
 */
export class Outbox implements MailEnqueuer, MailPreparer {
  private readonly repository: OutboxRepository;
  private readonly ids: IdGenerator;
  private readonly clock: Clock;
  private readonly listDomain: string;
  private readonly defaultFrom: string;
  private readonly onEnqueued: () => void;

  constructor(options: OutboxOptions) {
    this.repository = options.repository;
    this.ids = options.ids;
    this.clock = options.clock;
    this.listDomain = options.listDomain;
    this.defaultFrom = `Renraku <noreply@${options.listDomain}>`;
    this.onEnqueued = options.onEnqueued ?? (() => {});
  }

  async enqueue(mails: OutgoingMail[]): Promise<number> {
    const inserted = await this.repository.enqueue(this.prepare(mails));
    if (inserted > 0) this.onEnqueued();
    return inserted;
  }

  prepare(mails: OutgoingMail[]): NewOutboxRow[] {
    mails.forEach(checkMail);
    const now = this.clock.now();
    return mails.map((mail): NewOutboxRow => {
      const id = this.ids.next();
      return {
        id,
        message_key: mail.message_key,
        user_id: mail.user_id,
        recipient: mail.to.trim(),
        from_address: mail.from ?? this.defaultFrom,
        reply_to: mail.reply_to ?? null,
        subject: mail.subject,
        text_body: mail.text,
        html_body: mail.html ?? null,
        headers: { ...mail.headers },
        message_id: `<${id}@${this.listDomain}>`,
        created_at: now,
        ...(mail.account_mail === true ? { account_mail: true } : {}),
      };
    });
  }

  committed(): void {
    this.onEnqueued();
  }
}

function checkMail(mail: OutgoingMail, index: number): void {
  const fail = (what: string): never => {
    throw new TypeError(`outbox: mail ${index} (message_key ${JSON.stringify(mail.message_key)}): ${what}`);
  };
  if (typeof mail.message_key !== 'string' || mail.message_key === '' || mail.message_key.length > LIMITS.maxMailKeyLength) {
    fail(`message_key must be 1 to ${LIMITS.maxMailKeyLength} characters`);
  }
  const to = typeof mail.to === 'string' ? mail.to.trim() : '';
  if (to.length > LIMITS.maxEmailLength || !BARE_ADDRESS.test(to)) {
    fail(`to must be one bare address like "aiko@example.com" (no name, no list), got ${JSON.stringify(mail.to)}`);
  }
  for (const [field, value] of [['from', mail.from], ['reply_to', mail.reply_to], ['subject', mail.subject]] as const) {
    if (value !== undefined && (typeof value !== 'string' || CONTROL.test(value))) fail(`${field} may not contain line breaks or control characters`);
  }
  if (typeof mail.text !== 'string') fail('text is required (HTML is optional, text is not)');
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(mail.headers ?? {})) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) fail(`header name ${JSON.stringify(name)} must be letters, digits and '-'`);
    if (MANAGED_HEADERS.has(lower)) fail(`header ${name} is set by the outbox; use the fields instead (not allowed: ${[...MANAGED_HEADERS].join(', ')})`);
    if (seen.has(lower)) fail(`header ${name} is given twice`);
    seen.add(lower);
    if (typeof value !== 'string' || CONTROL.test(value)) fail(`header ${name} must be a string without line breaks or control characters`);
  }
}
