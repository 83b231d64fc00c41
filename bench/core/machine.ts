import { readFileSync } from 'node:fs';
import { cpus, totalmem, release, platform } from 'node:os';

/** The facts a result is only comparable under: same cores, memory, Node and file limit. */
export interface MachineFacts {
  cores: number;
  cpu_model: string;
  memory_gb: number;
  node: string;
  os: string;
  /** open files per process (soft limit): bounds connections per server process */
  open_files_limit: number | null;
  /** glibc malloc arenas the servers under test ran with (MALLOC_ARENA_MAX; `npm start` uses 2) */
  malloc_arena_max: string;
  /** the Node flags Renraku ran with (bin/node-flags.json, as `npm start`); the peers run with node's defaults */
  renraku_node_flags: string;
}

/** What `npm start` sets unless the environment says otherwise: every server under test gets the same. */
export const MALLOC_ARENA_MAX = process.env.MALLOC_ARENA_MAX ?? '2';

/** The Node flags `npm start` gives Renraku (bin/node-flags.json): the bench starts it the same way. */
export const RENRAKU_NODE_FLAGS: readonly string[] = JSON.parse(readFileSync(new URL('../../bin/node-flags.json', import.meta.url), 'utf8')) as string[];

function openFilesLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : null;
  } catch {
    return null;
  }
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cores: list.length,
    cpu_model: list[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
    open_files_limit: openFilesLimit(),
    malloc_arena_max: MALLOC_ARENA_MAX,
    renraku_node_flags: RENRAKU_NODE_FLAGS.join(' '),
  };
}
