import { simpleParser } from 'mailparser';
import type { InboundHandler, InboundKind, InboundMail } from '../../src/mail/inbound/inbound-handler.ts';

let mails = 0;

/** Real RFC 5322 text: LF written for readability, CRLF on the wire. */
export function crlf(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

/** A mail as the inbound SMTP server hands it to a handler: resolved by the handler itself, parsed by mailparser. */
export async function inbound(handler: InboundHandler, to: string, raw: Buffer, envelopeFrom = 'someone@example.org', id?: string): Promise<InboundMail> {
  const recipient = await handler.resolve(to.toLowerCase());
  if (recipient === undefined) throw new Error(`${handler.kind} handler does not own ${to}`);
  mails += 1;
  return { id: id ?? `01TESTMAIL${String(mails).padStart(16, '0')}`, envelopeFrom, recipient, raw, parsed: await simpleParser(raw), receivedAt: Date.now() };
}

export function handlerOf(handlers: readonly InboundHandler[], kind: InboundKind): InboundHandler {
  const found = handlers.find((h) => h.kind === kind);
  if (!found) throw new Error(`no ${kind} handler`);
  return found;
}

/** A DSN as Postfix writes it (RFC 3464), about the mail sent with return path `verp`. */
export function dsn(o: { verp: string; recipient: string; action: string; status: string; diagnostic?: string; autoSubmitted?: boolean }): Buffer {
  return crlf(`Return-Path: <>
Received: from mx.example.org (mx.example.org [192.0.2.25])
Date: Sun, 29 Nov 2026 18:00:00 +0000 (UTC)
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: ${o.verp}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4B2C61A0E2.1764439200/mx.example.org"
Message-Id: <20261129180000.4B2C61A0E2@mx.example.org>

This is a MIME-encapsulated message.

--4B2C61A0E2.1764439200/mx.example.org
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.org.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--4B2C61A0E2.1764439200/mx.example.org
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org
X-Postfix-Queue-ID: 4B2C61A0E2
X-Postfix-Sender: rfc822; ${o.verp}
Arrival-Date: Sun, 29 Nov 2026 17:59:58 +0000 (UTC)

Final-Recipient: rfc822; ${o.recipient}
Original-Recipient: rfc822;${o.recipient}
Action: ${o.action}
Status: ${o.status}
${o.diagnostic ? `Diagnostic-Code: ${o.diagnostic}\n` : ''}
--4B2C61A0E2.1764439200/mx.example.org
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Renraku <noreply@lists.example.com>
To: ${o.recipient}
Subject: =?UTF-8?B?6YGL5YuV5Lya?=

--4B2C61A0E2.1764439200/mx.example.org--
`);
}

/** A reply from a mail client: its own text first, then the quoted original. */
export function reply(o: { from: string; to: string; text: string; headers?: string; html?: string }): Buffer {
  const head = `From: ${o.from}
To: ${o.to}
Subject: Re: =?UTF-8?B?6YGL5YuV5Lya44Gu44GK55+l44KJ44Gb?=
Date: Sun, 29 Nov 2026 19:00:00 +0900
Message-ID: <reply-${Math.random().toString(36).slice(2)}@mail.example.org>
In-Reply-To: <01ANNOUNCEMENTMAIL@lists.example.com>
MIME-Version: 1.0
${o.headers ?? ''}`;
  if (o.html !== undefined) {
    return crlf(`${head}Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: base64

${Buffer.from(o.html).toString('base64').replace(/.{76}/g, '$&\n')}
`);
  }
  return crlf(`${head}Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: base64

${Buffer.from(o.text.replace(/\n/g, '\r\n')).toString('base64').replace(/.{76}/g, '$&\n')}
`);
}
