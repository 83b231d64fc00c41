import { AppError } from '../domain/app-error.ts';

/**
 * Reading fields of an event payload with their types checked; a wrong type is answered
 * `invalid_payload` naming the field. Only types are checked here; the domain checks meaning
 * (body length, characters, membership).
 */
export const field = {
  string(payload: Record<string, unknown>, name: string): string {
    const value = payload[name];
    if (typeof value !== 'string') throw invalid(name, 'must be a string');
    return value;
  },

  /** undefined or null → undefined. */
  optionalString(payload: Record<string, unknown>, name: string, maxLength: number): string | undefined {
    const value = payload[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) throw invalid(name, `must be a string of 1 to ${maxLength} characters`);
    return value;
  },

  /** undefined or null → undefined; else a whole number ≥ 0. */
  optionalCount(payload: Record<string, unknown>, name: string): number | undefined {
    const value = payload[name];
    if (value === undefined || value === null) return undefined;
    return field.count(payload, name);
  },

  count(payload: Record<string, unknown>, name: string): number {
    const value = payload[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(name, 'must be a whole number ≥ 0');
    return value;
  },

  /** undefined or null → undefined; else an array of at most `max` strings. */
  optionalStrings(payload: Record<string, unknown>, name: string, max: number): string[] | undefined {
    const value = payload[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.length > max || !value.every((v) => typeof v === 'string')) {
      throw invalid(name, `must be an array of at most ${max} strings`);
    }
    return value as string[];
  },
};

function invalid(name: string, rule: string): AppError {
  return new AppError('invalid_payload', `${name} ${rule}.`, { field: name });
}
