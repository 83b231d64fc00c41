import { BENCH_LIMITS } from '../core/limits.ts';
import type { OptionSpecs } from '../core/options.ts';
import type { StoreKind } from '../servers/target.ts';

/** Options of the load generator and the server process, taken by every load scenario. */
export const LOAD_OPTIONS = {
  workers: { kind: 'int', default: 0, doc: `load worker processes (each holds at most ${BENCH_LIMITS.maxConnectionsPerWorker} connections); 0: as few as hold the run's connections (two at least with the ws client)` },
  concurrency: { kind: 'int', default: 250, doc: 'connections being opened at once per worker' },
  'postgres-url': { kind: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres', doc: 'PostgreSQL to make a scratch database in (loopback only)' },
  client: { kind: 'string', default: 'ws', doc: 'WebSocket client of the load workers: ws (the ws package) or lean (a bare net.Socket client, cheaper per connection and per frame)' },
  'body-bytes': { kind: 'int', default: 100, doc: 'characters per message body (a chat line)' },
  profile: { kind: 'flag', default: false, doc: 'write a CPU profile of the server during each measured phase to bench/results/profiles/' },
  'profile-clients': { kind: 'flag', default: false, doc: 'write V8 CPU profiles of the load workers to bench/results/profiles/' },
} as const satisfies OptionSpecs;

/** Which server, and Renraku's store. */
export const SERVER_OPTIONS = {
  server: { kind: 'string', default: 'renraku', doc: 'server under test: renraku, socketio or raw' },
  store: { kind: 'string', default: 'sqlite', doc: 'Renraku store: sqlite or postgres' },
} as const satisfies OptionSpecs;

export const COMMON_OPTIONS = { ...SERVER_OPTIONS, ...LOAD_OPTIONS } as const;

export const STORES: readonly StoreKind[] = ['sqlite', 'postgres'];

export function storeOf(name: string): StoreKind {
  if (name === 'sqlite' || name === 'postgres') return name;
  throw new Error(`unknown store "${name}"; valid: ${STORES.join(', ')}`);
}
