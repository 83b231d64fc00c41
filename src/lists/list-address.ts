import { SLUG_PATTERN } from '../domain/group-service.ts';

/**
 * A group's list addresses: `<slug>@<list domain>` to post, and the List-Id `<slug>.<domain>`
 * (RFC 2919) by which our own mail is recognised when it comes back.
 */
export function listAddress(slug: string, domain: string): string {
  return `${slug}@${domain}`.toLowerCase();
}

export function listId(slug: string, domain: string): string {
  return `${slug}.${domain}`.toLowerCase();
}

/** Slugs as groups have them (letters, digits, '-'); nothing with '+', which other kinds own. */
const SLUG = new RegExp(SLUG_PATTERN);

/** The slug of `address` when it is a plain list address of `domain`; undefined otherwise. */
export function slugOfListAddress(address: string, domain: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.slice(at + 1).toLowerCase() !== domain.toLowerCase()) return undefined;
  const local = address.slice(0, at).toLowerCase();
  return SLUG.test(local) ? local : undefined;
}
