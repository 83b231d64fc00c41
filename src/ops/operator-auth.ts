import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../domain/error-codes.ts';

/**
 * Checks an `Authorization` header against the operator token. Both sides are hashed first so
 * the comparison takes the same time whatever the length or content of the guess. An empty
 * configured token means operations are off: nothing is accepted.
 */
export function checkOperatorToken(configured: string, header: string | undefined): { ok: true } | { ok: false; code: ErrorCode } {
  if (configured === '') return { ok: false, code: 'operations_disabled' };
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return { ok: false, code: 'operator_token_required' };
  const given = createHash('sha256').update(match[1]!).digest();
  const expected = createHash('sha256').update(configured).digest();
  return timingSafeEqual(given, expected) ? { ok: true } : { ok: false, code: 'operator_token_invalid' };
}
