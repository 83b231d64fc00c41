import type { MessageKey } from '../i18n/translator.ts';

/** The ways a mailed account link fails (docs/errors.md), each with its own text. */
export const LINK_ERRORS = ['token_invalid', 'token_expired', 'token_used'] as const;
export type LinkError = (typeof LINK_ERRORS)[number];

/** The link's failure, when the error is one. */
export function linkError(error: unknown): LinkError | undefined {
  const code = (error as { code?: string } | undefined)?.code;
  return LINK_ERRORS.find((c) => c === code);
}

/** The text of a link's failure, for a reset link or an address link. */
export function linkErrorKey(kind: 'reset' | 'verify', code: LinkError): MessageKey {
  return `${kind}.${code}` as MessageKey;
}
