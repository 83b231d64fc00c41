import type { AddressObject, EmailAddress, ParsedMail } from 'mailparser';

/** The first mailbox of an address header (From, Reply-To), or undefined. */
export function firstAddress(field: AddressObject | AddressObject[] | undefined): { address: string; name: string } | undefined {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  for (const object of objects) {
    for (const entry of object.value) {
      if (entry.address !== undefined && entry.address.includes('@')) return { address: entry.address, name: entry.name };
    }
  }
  return undefined;
}

/**
 * The From mailbox when the message has exactly one From header naming exactly one mailbox
 * (groups counted by their members), or undefined. RFC 5322 allows several authors in one
 * From; none of them can be taken as the sender, so such a message is nobody's: matching only
 * the first would let `From: member@x, me@y` pass as the member.
 */
export function soleFromAddress(parsed: Pick<ParsedMail, 'from' | 'headerLines'>): { address: string; name: string } | undefined {
  if (parsed.headerLines.filter((h) => h.key.toLowerCase() === 'from').length !== 1) return undefined;
  const objects = parsed.from === undefined ? [] : Array.isArray(parsed.from) ? parsed.from : [parsed.from];
  const mailboxes = objects.flatMap((object) => object.value.flatMap((entry: EmailAddress): EmailAddress[] => (entry.group ? entry.group : [entry])));
  if (mailboxes.length !== 1) return undefined;
  const [only] = mailboxes;
  return only?.address !== undefined && only.address.includes('@') ? { address: only.address, name: only.name } : undefined;
}

/**
 * The parsed form stored next to the raw message: what an operator or a later handler needs to
 * see without parsing again (the handlers parse the raw message themselves for the content).
 */
export function summarize(parsed: ParsedMail): Record<string, unknown> {
  const from = firstAddress(parsed.from);
  return {
    message_id: parsed.messageId ?? null,
    from: from ?? null,
    subject: parsed.subject ?? null,
    date: parsed.date?.toISOString() ?? null,
    in_reply_to: parsed.inReplyTo ?? null,
    references: parsed.references ?? null,
    has_text: typeof parsed.text === 'string' && parsed.text !== '',
    has_html: typeof parsed.html === 'string',
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? null, content_type: a.contentType, size: a.size })),
  };
}
