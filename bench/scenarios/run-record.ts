/**
 * One measured run of a scenario against one server: the parameters asked for, the numbers
 * measured (units in their names: `_ms`, `_kb`, `_per_s`, `_us`), and whether the run was
 * correct — every client joined, nothing lost, nothing duplicated. Speed is never a failure;
 * incorrectness always is.
 */
export interface RunRecord {
  scenario: string;
  server: string;
  params: Record<string, number | string>;
  metrics: Record<string, number | null>;
  ok: boolean;
  problems: string[];
}

/** Rounds to `digits` decimals; null stays null, non-finite becomes null. */
export function round(x: number | null | undefined, digits = 2): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The median of the numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Correctness problems of a run; an empty list means ok. */
export class Problems {
  readonly list: string[] = [];

  /** Adds `message` when `count` is not zero. */
  none(count: number, message: string): void {
    if (count !== 0) this.list.push(`${count} ${message}`);
  }

  add(message: string): void {
    this.list.push(message);
  }
}
