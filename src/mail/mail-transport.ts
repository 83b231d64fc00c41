/**
 * What the dispatcher needs from an SMTP client: send one mail to one recipient and say how it
 * went. The nodemailer implementation is src/adapters/mail/smtp-transport.ts; tests may pass
 * their own. `send` never rejects: every failure is an outcome the dispatcher acts on.
 */
export interface MailMessage {
  /** SMTP envelope: MAIL FROM (our VERP return path) and the one RCPT TO. */
  envelope: { from: string; to: string };
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  /** With angle brackets: `<id@domain>`. */
  messageId: string;
  headers: Record<string, string>;
}

export type SendOutcome =
  /** The relay answered 250: it has the mail now. */
  | { kind: 'sent'; response: string }
  /**
   * Try again later: a 4xx, or the relay could not be reached or refused us as a client
   * (`relayUnavailable`: the next mails would fail the same way, so the batch stops).
   */
  | { kind: 'retry'; detail: string; relayUnavailable: boolean }
  /** The relay refused this recipient or this mail for good (5xx at RCPT or DATA). */
  | { kind: 'bounced'; code: number; detail: string }
  /** The mail cannot be sent as it is (refused before any SMTP reply, e.g. too large). */
  | { kind: 'rejected'; detail: string };

export interface MailTransport {
  send(message: MailMessage): Promise<SendOutcome>;
  /** Closes pooled connections; sends still in flight fail. */
  close(): Promise<void>;
}
