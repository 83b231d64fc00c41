import { createHash } from 'node:crypto';

/** `<local@domain>` as RFC 5322 writes a msg-id; anything else is not trusted as an identity. */
const MSG_ID = /^<[^<>\s@]+@[^<>\s@]+>$/;

/**
 * What makes a retry "the same message": its Message-ID, lower-cased, when it has a proper
 * one (a sender that resends after a lost 250 sends the same Message-ID); otherwise a hash of
 * the raw bytes, which a retry of a message without one repeats exactly.
 */
export function dedupeKey(messageId: string | undefined, raw: Buffer): string {
  const id = messageId?.trim().toLowerCase();
  if (id !== undefined && id.length <= 998 && MSG_ID.test(id)) return `mid:${id}`;
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}
