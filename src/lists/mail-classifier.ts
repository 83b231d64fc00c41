import type { HeaderLines } from 'mailparser';

/** Why a message must never be redistributed, or undefined when it may be. */
export type NotForTheList = 'loop' | 'auto_reply';

export interface ListIdentity {
  /** `slug.domain`, as in our List-Id. */
  listId: string;
  /** `slug@domain`. */
  address: string;
}

/** The values of every header called `name`, unfolded and lower-cased (from the raw lines, as received). */
function headerText(lines: HeaderLines, name: string): string[] {
  return lines
    .filter((l) => l.key.toLowerCase() === name)
    .map((l) => l.line.slice(l.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim().toLowerCase());
}

/**
 * Loops and auto-replies, from the headers alone (pure). A loop: the message already carries
 * our List-Id or List-Post (it went out through this list and came back) or names this list
 * in X-Loop. An auto-reply: Auto-Submitted other than "no" (RFC 3834), Precedence bulk, junk
 * or list, or X-Autoreply/X-Autorespond, as vacation responders write. Either is never sent on.
 */
export function classifyForList(headers: HeaderLines, list: ListIdentity): NotForTheList | undefined {
  const own = (values: string[], needle: string): boolean => values.some((v) => v.includes(needle));
  if (own(headerText(headers, 'list-id'), `<${list.listId}>`)) return 'loop';
  if (own(headerText(headers, 'list-post'), list.address)) return 'loop';
  if (own(headerText(headers, 'x-loop'), list.address)) return 'loop';
  const autoSubmitted = headerText(headers, 'auto-submitted');
  if (autoSubmitted.some((v) => v.trim() !== '' && !/^no\b/.test(v.trim()))) return 'auto_reply';
  if (headerText(headers, 'precedence').some((v) => /^(bulk|junk|list)\b/.test(v.trim()))) return 'auto_reply';
  if (headerText(headers, 'x-autoreply').length > 0 || headerText(headers, 'x-autorespond').length > 0) return 'auto_reply';
  return undefined;
}
