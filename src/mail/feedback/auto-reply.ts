import type { ParsedMail } from 'mailparser';
import { soleFromAddress } from '../inbound/message-summary.ts';

/** The header's value as text (mailparser gives structured values for some headers). */
function header(parsed: ParsedMail, name: string): string {
  const value = parsed.headers.get(name);
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  return String(value);
}

/**
 * Mail no person wrote just now: an auto-reply (`Auto-Submitted` other than `no`, RFC 3834),
 * bulk or list mail (`Precedence: bulk|junk|list`), or a message from the null sender. An
 * out-of-office reply to an announcement must not become a comment, and must never be
 * answered by mail (no loops).
 */
export function isAutomatic(parsed: ParsedMail, envelopeFrom: string): boolean {
  if (envelopeFrom.trim() === '' || envelopeFrom.trim() === '<>') return true;
  const autoSubmitted = header(parsed, 'auto-submitted').trim().toLowerCase();
  if (autoSubmitted !== '' && !autoSubmitted.startsWith('no')) return true;
  if (/^(bulk|junk|list)\b/i.test(header(parsed, 'precedence').trim())) return true;
  return header(parsed, 'x-autoreply') !== '' || header(parsed, 'x-autorespond') !== '';
}

/** The From address (as written, without name), or undefined when there is none usable — also when From names several mailboxes. */
export function fromAddress(parsed: ParsedMail): string | undefined {
  const first = soleFromAddress(parsed)?.address.trim();
  return first !== undefined && /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/.test(first) && first.length <= 254 ? first : undefined;
}
