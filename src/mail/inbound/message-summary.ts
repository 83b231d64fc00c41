import type { AddressObject, ParsedMail } from 'mailparser';

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
