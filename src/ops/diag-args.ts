import { AppError } from '../domain/app-error.ts';

/** Arguments of one diag request as they arrive (JSON over the admin socket or HTTP). */
export type DiagArgs = Readonly<Record<string, unknown>>;

/** Reads a whole number in [min, max]; `fallback` when absent (undefined: required). */
export function intArg(args: DiagArgs, name: string, min: number, max: number, fallback?: number): number {
  const raw = args[name];
  if (raw === undefined || raw === null || raw === '') {
    if (fallback === undefined) throw new AppError('diag_invalid_arguments', `--${name} is required (a whole number from ${min} to ${max}).`, { field: name });
    return fallback;
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new AppError('diag_invalid_arguments', `--${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)}).`, { field: name });
  return n;
}

export function stringArg(args: DiagArgs, name: string, maxLength = 200): string {
  const raw = args[name];
  if (typeof raw !== 'string' || raw === '' || raw.length > maxLength) throw new AppError('diag_invalid_arguments', `${name} is required (text of at most ${maxLength} characters).`, { field: name });
  return raw;
}

export function choiceArg<T extends string>(args: DiagArgs, name: string, choices: readonly T[], fallback?: T): T {
  const raw = args[name];
  if ((raw === undefined || raw === null) && fallback !== undefined) return fallback;
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw new AppError('diag_invalid_arguments', `--${name} must be one of ${choices.join(', ')} (got ${JSON.stringify(raw)}).`, { field: name });
  }
  return raw as T;
}

export function boolArg(args: DiagArgs, name: string): boolean {
  const raw = args[name];
  return raw === true || raw === 'true';
}
