import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../scenarios/run-record.ts';
import type { MachineFacts } from './machine.ts';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** One `npm run bench` invocation: what ran, where, and what it measured. */
export interface ResultFile {
  scenario: string;
  started_at: string;
  finished_at: string;
  argv: string[];
  machine: MachineFacts;
  runs: RunRecord[];
  extra?: string;
}

/** Writes `<scenario>-<iso time>.json` (via a .tmp file, so a report never reads half a file). */
export function saveResult(result: ResultFile, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${result.scenario}-${result.started_at.replace(/:/g, '-')}.json`);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}

/** Every result file, oldest first. */
export function allResults(dir = RESULTS_DIR): ResultFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as ResultFile).sort((a, b) => a.started_at.localeCompare(b.started_at));
}

/** A run with the time its file was started. */
export type DatedRun = RunRecord & { measured_at: string };

/**
 * The newest runs of each scenario on each server (and store): for every such key, the runs of
 * the newest file that has it — a chat sweep's rates stay together. Compare files count too.
 */
export function latestRuns(files: readonly ResultFile[]): DatedRun[] {
  const newest = new Map<string, DatedRun[]>();
  for (const f of files) {
    const byKey = new Map<string, DatedRun[]>();
    for (const r of f.runs) {
      const key = `${r.scenario}/${r.server}/${String(r.params.store ?? '')}`;
      byKey.set(key, [...(byKey.get(key) ?? []), { ...r, measured_at: f.started_at }]);
    }
    for (const [key, runs] of byKey) newest.set(key, runs);
  }
  return [...newest.values()].flat();
}
