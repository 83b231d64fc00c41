import type { MailMessage } from './mail-transport.ts';
import type { OutboxRow } from './outbox-repository.ts';
import type { VerpAddresses } from './verp.ts';

/**
 * Headers the outbox sets itself from the row, or the SMTP client writes; a caller's
 * `headers` may not name them (lower case).
 */
export const MANAGED_HEADERS: ReadonlySet<string> = new Set([
  'from', 'to', 'cc', 'bcc', 'reply-to', 'sender', 'subject', 'date', 'message-id', 'return-path',
  'mime-version', 'content-type', 'content-transfer-encoding', 'dkim-signature',
]);

/** RFC 5322 field names are printable ASCII without ':'; ours stay with letters, digits and '-'. */
export const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,75}$/;

/**
 * Server-generated mail says so (RFC 3834), so auto-responders stay quiet and our own inbound
 * side recognises it. A caller that forwards a person's mail sets `Auto-Submitted: no`.
 */
const AUTO_SUBMITTED = 'Auto-Submitted';

/** The mail for one outbox row: the row's content, its stable Message-ID and a VERP return path. */
export function buildMailMessage(row: OutboxRow, verp: VerpAddresses): MailMessage {
  const headers: Record<string, string> = {};
  if (!Object.keys(row.headers).some((name) => name.toLowerCase() === AUTO_SUBMITTED.toLowerCase())) {
    headers[AUTO_SUBMITTED] = 'auto-generated';
  }
  Object.assign(headers, row.headers);
  const message: MailMessage = {
    envelope: { from: verp.address(row.id), to: row.recipient },
    from: row.from_address,
    to: row.recipient,
    subject: row.subject,
    text: row.text_body,
    messageId: row.message_id,
    headers,
  };
  if (row.reply_to !== null) message.replyTo = row.reply_to;
  if (row.html_body !== null) message.html = row.html_body;
  return message;
}
