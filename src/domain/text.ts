import { AppError } from './app-error.ts';

// C0 controls except \t \n \r, DEL, and C1 controls. NUL cannot be stored by PostgreSQL, and
// the others only ever arrive from broken or hostile clients.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

// Line breaks, and the bidirectional embeddings, overrides (U+202A–U+202E) and isolates
// (U+2066–U+2069) that make a name display as other text; marks (U+200E, U+200F), joiners and
// every script are kept.
const NAME_FORBIDDEN = /[\r\n\u202A-\u202E\u2066-\u2069]/;

/** Length in Unicode code points (a 4-byte emoji counts once). */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Validates a message body: non-empty after trimming, bounded, no control characters.
 *  The body is stored exactly as given (no trimming, no normalisation). */
export function checkBody(body: string, maxChars: number): string {
  if (body.trim().length === 0) throw new AppError('body_empty');
  if (codePointLength(body) > maxChars) {
    throw new AppError('body_too_long', `The message body is longer than ${maxChars} characters.`, { max: maxChars });
  }
  if (FORBIDDEN.test(body)) throw new AppError('invalid_characters');
  return body;
}

export function hasForbiddenCharacters(text: string): boolean {
  return FORBIDDEN.test(text);
}

/**
 * Validates a user, group, room or sub-group name and returns it trimmed: non-empty, no control
 * characters (validation_failed), no line break or bidi override/isolate inside (invalid_name).
 * Every other character is kept as given: Japanese, emoji, ZWJ sequences.
 */
export function checkName(raw: string, field = 'name'): string {
  const name = raw.trim();
  if (name === '' || FORBIDDEN.test(name)) {
    throw new AppError('validation_failed', `${field} must be non-empty text without control characters`, { field });
  }
  if (NAME_FORBIDDEN.test(name)) throw new AppError('invalid_name', undefined, { field });
  return name;
}
