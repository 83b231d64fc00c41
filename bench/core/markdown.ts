import type { RunRecord } from '../scenarios/run-record.ts';

function cell(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(v);
  return v;
}

/** A markdown table. */
export function table(header: readonly string[], rows: readonly (readonly (number | string | null | undefined)[])[]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

/**
 * Runs of one scenario as a table: a row per run, a column per parameter and metric (the union
 * over the runs, in first-seen order), and the correctness verdict last.
 */
export function runsTable(runs: readonly RunRecord[]): string {
  const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))];
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))];
  const rows = runs.map((r) => [r.server, ...params.map((p) => r.params[p]), ...metrics.map((m) => r.metrics[m]), r.ok ? 'ok' : `**${r.problems.join('; ')}**`]);
  return table(['server', ...params, ...metrics, 'correct'], rows);
}

/** Tables of runs grouped by scenario, each under a heading. */
export function runsReport(runs: readonly RunRecord[]): string {
  const byScenario = new Map<string, RunRecord[]>();
  for (const r of runs) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  return [...byScenario].map(([name, list]) => `### ${name}\n\n${runsTable(list)}`).join('\n\n');
}
