import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { LIMITS } from '../config/limits.ts';
import { AppError } from '../domain/app-error.ts';

/** zxcvbn's score 3: "safely unguessable: moderate protection from offline slow-hash scenario" (≥ 10^8 guesses). */
const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;

/**
 * The strength estimator with the common and English dictionaries (about 2 MB of word lists,
 * server-only: the web client never imports this). Built on first use (~0.15 s) and kept: it
 * is a read-only table, the same for every caller; a check then takes a few milliseconds.
 */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
    maxLength: LIMITS.passwordStrengthMaxChars,
  });
  return estimator;
}

/**
 * Refuses a password that is too short, too long, or guessable (zxcvbn score below 3 —
 * common passwords, words, names, dates, keyboard walks, and anything built from
 * `userInputs` such as the person's email and name). The AppError's message joins the
 * estimator's warning and suggestions so a screen can show it; `reason` says which rule.
 */
export function checkPasswordStrength(password: string, userInputs: readonly string[]): void {
  const length = [...password].length;
  if (length < LIMITS.minPasswordLength) throw weak('too_short', `Use at least ${LIMITS.minPasswordLength} characters.`);
  if (length > LIMITS.maxPasswordLength) throw weak('too_long', `Use at most ${LIMITS.maxPasswordLength} characters.`);
  const inputs = userInputs.flatMap((input) => [input, ...input.split(/[@.\s_+-]+/)]).filter((input) => input.length >= 3);
  const result = zxcvbn().check(password, inputs);
  if (result.score >= MIN_SCORE) return;
  const { warning, suggestions } = result.feedback;
  const message = [warning, ...suggestions].filter((s): s is string => typeof s === 'string' && s !== '').join(' ');
  throw weak('weak', message || 'Choose a longer password that is not a common word or phrase.', { score: result.score, warning: warning ?? null, suggestions });
}

function weak(reason: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError('weak_password', message, { field: 'password', reason, ...extra });
}
