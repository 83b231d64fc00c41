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

/** The newest result file of each scenario, oldest scenario first. */
export function latestResults(dir = RESULTS_DIR): ResultFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const latest = new Map<string, ResultFile>();
  for (const name of names) {
    const r = JSON.parse(readFileSync(join(dir, name), 'utf8')) as ResultFile;
    const seen = latest.get(r.scenario);
    if (!seen || seen.started_at < r.started_at) latest.set(r.scenario, r);
  }
  return [...latest.values()].sort((a, b) => a.started_at.localeCompare(b.started_at));
}
