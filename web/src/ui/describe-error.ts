import type { Translator } from '../i18n/translator.ts';

/**
 * The text a form shows for a failed action: the error code's own text, with the wait of a
 * `too_many_attempts` (Retry-After) and the server's reason of a `weak_password` added.
 */
export function describeError(i18n: Translator, error: unknown): string {
  const e = (error ?? {}) as { code?: string; reason?: string; message?: string; retryAfterSeconds?: number };
  const code = e.code ?? e.reason ?? 'internal';
  if (code === 'too_many_attempts' && typeof e.retryAfterSeconds === 'number') {
    const minutes = Math.max(1, Math.ceil(e.retryAfterSeconds / 60));
    return i18n.t('error.too_many_attempts_wait', { minutes });
  }
  if (code === 'weak_password' && e.message) return i18n.t('error.weak_password_why', { reason: e.message });
  return i18n.error(code);
}
