import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { selfTimes, type CpuProfile } from '../core/cpu-profile.ts';
import { table } from '../core/markdown.ts';
import { RESULTS_DIR } from '../core/results.ts';
import { defineScenario } from './scenario.ts';

const PROFILES = join(RESULTS_DIR, 'profiles');

/** The newest .cpuprofile under bench/results/profiles/ whose path contains `match`. */
function newestProfile(match: string): string {
  const found: { path: string; at: number; size: number }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (name.endsWith('.cpuprofile') && path.includes(match)) found.push({ path, at: st.mtimeMs, size: st.size });
    }
  };
  walk(PROFILES);
  // a load worker run writes one profile per worker: take the largest of the newest run
  const newest = Math.max(...found.map((f) => f.at));
  const best = found.filter((f) => newest - f.at < 10_000).sort((a, b) => b.size - a.size)[0];
  if (!best) throw new Error(`no .cpuprofile matching "${match}" under ${PROFILES}; run a scenario with --profile first`);
  return best.path;
}

/**
 * `profile`: where a server (or load worker) spent its CPU in a run made with `--profile`
 * (`--profile-clients`): self time per function, largest first.
 */
export const profileScenario = defineScenario({
  name: 'profile',
  summary: 'summarize the newest CPU profile written by --profile (self time per function)',
  options: {
    file: { kind: 'string', default: '', doc: 'a .cpuprofile file (default: the newest matching --match)' },
    match: { kind: 'string', default: 'renraku', doc: 'part of the profile path: renraku, socketio, raw, clients, or a phase (connect, publish, reconnect)' },
    top: { kind: 'int', default: 30, doc: 'functions to list' },
  },
  run(o) {
    const path = o.file || newestProfile(o.match);
    const { busyMs, idleMs, rows } = selfTimes(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile);
    const head = `${path}\n\nbusy ${busyMs} ms, idle ${idleMs} ms; self time per function:`;
    const text = `${head}\n\n${table(['self ms', '% of busy', 'function'], rows.slice(0, o.top).map((r) => [r.ms, r.pct, r.where]))}`;
    return Promise.resolve({ runs: [], extra: text, save: false });
  },
});
