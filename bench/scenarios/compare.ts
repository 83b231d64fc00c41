import { table } from '../core/markdown.ts';
import { chatScenario } from './chat.ts';
import { LOAD_OPTIONS } from './common-options.ts';
import { connectScenario } from './connect.ts';
import { fanoutScenario } from './fanout.ts';
import { median, round, type RunRecord } from './run-record.ts';
import { defineScenario } from './scenario.ts';

/** Sizes of the compared scenarios: `full` is where the issue's targets are stated. */
const PRESETS = {
  full: { connections: 19_500, members: 10_000, messages: 200, rooms: 100, roomMembers: 100, rate: 500, duration: 20 },
  quick: { connections: 2_000, members: 1_000, messages: 100, rooms: 20, roomMembers: 50, rate: 200, duration: 5 },
} as const;

/** The ratios the report shows, with the issue's target for each (lower is better unless noted). */
const RATIOS: { scenario: string; metric: string; target: string; higherIsBetter?: boolean }[] = [
  { scenario: 'connect', metric: 'mem_per_conn_kb', target: '≤ 8 KB at 19,500; ≤ 1.25× raw' },
  { scenario: 'connect', metric: 'joins_per_s', target: '≥ 4,000/s', higherIsBetter: true },
  { scenario: 'connect', metric: 'cpu_us_per_join', target: '' },
  { scenario: 'fanout', metric: 'cpu_us_per_delivery', target: '≤ 1.2× raw; ≤ Socket.IO ÷ 1.5' },
  { scenario: 'fanout', metric: 'deliveries_per_s', target: '', higherIsBetter: true },
  { scenario: 'fanout', metric: 'p99_ms', target: '' },
  { scenario: 'chat', metric: 'p50_ms', target: '' },
  { scenario: 'chat', metric: 'p99_ms', target: '≤ 35 ms at 500/s, persistence on' },
  { scenario: 'chat', metric: 'cpu_us_per_delivery', target: '' },
];

/** Table of each compared metric per server (the median over its rounds) and Renraku's ratio to each peer. */
export function ratioTable(runs: readonly RunRecord[], servers: readonly string[]): string {
  const peers = servers.filter((s) => s !== 'renraku');
  const value = (scenario: string, server: string, metric: string) => {
    const values = runs.filter((r) => r.scenario === scenario && r.server === server).map((r) => r.metrics[metric]);
    return median(values.filter((v): v is number => typeof v === 'number'));
  };
  const rows = RATIOS.map(({ scenario, metric, target }) => {
    const own = value(scenario, 'renraku', metric);
    const ratios = peers.map((p) => {
      const other = value(scenario, p, metric);
      return own !== null && other ? `${round(own / other, 2)}×` : '–';
    });
    return [`${scenario} ${metric}`, ...servers.map((s) => value(scenario, s, metric)), ...ratios, target];
  });
  return table(['metric', ...servers, ...peers.map((p) => `renraku ÷ ${p}`), 'target'], rows);
}

function failed(scenario: string, server: string, e: unknown): RunRecord {
  const message = e instanceof Error ? e.message.split('\n').slice(0, 3).join(' ') : String(e);
  return { scenario, server, params: {}, metrics: {}, ok: false, problems: [`run failed: ${message}`] };
}

/**
 * `compare`: connect, fanout and chat against Renraku, Socket.IO and the raw `ws` floor in one
 * run, one server at a time on the same machine, then Renraku's ratio to each peer. Ratios from
 * one run are what the targets are stated in: absolute numbers move with the machine's load.
 */
export const compareScenario = defineScenario({
  name: 'compare',
  summary: 'connect, fanout and chat on Renraku, Socket.IO and raw ws in one run, with ratios',
  options: {
    ...LOAD_OPTIONS,
    servers: { kind: 'list', default: ['renraku', 'socketio', 'raw'], doc: 'servers to compare' },
    store: { kind: 'string', default: 'sqlite', doc: 'Renraku store: sqlite or postgres' },
    rounds: { kind: 'int', default: 1, doc: 'runs of each scenario on each server, the servers taking turns; the ratios compare medians (memory and latency move from run to run on a shared machine)' },
    preset: { kind: 'string', default: 'full', doc: `sizes: ${Object.entries(PRESETS).map(([k, v]) => `${k} (${v.connections} connections, fanout ${v.members}, chat ${v.rooms}×${v.roomMembers} at ${v.rate}/s)`).join('; ')}` },
  },
  async run(o, env) {
    const preset = PRESETS[o.preset as keyof typeof PRESETS];
    if (!preset) throw new Error(`unknown preset "${o.preset}"; valid: ${Object.keys(PRESETS).join(', ')}`);
    const load = { workers: o.workers, concurrency: o.concurrency, 'postgres-url': o['postgres-url'], 'body-bytes': o['body-bytes'], client: o.client, profile: o.profile, 'profile-clients': o['profile-clients'], store: o.store };
    const plans = [
      { name: 'connect', run: (server: string) => connectScenario.runWith({ ...connectScenario.defaults(), ...load, server, connections: preset.connections }, env) },
      { name: 'fanout', run: (server: string) => fanoutScenario.runWith({ ...fanoutScenario.defaults(), ...load, server, members: preset.members, messages: preset.messages }, env) },
      {
        name: 'chat',
        run: (server: string) =>
          chatScenario.runWith({ ...chatScenario.defaults(), ...load, server, rooms: preset.rooms, members: preset.roomMembers, rate: preset.rate, duration: preset.duration }, env),
      },
    ];
    const runs: RunRecord[] = [];
    const rounds = Math.max(1, o.rounds);
    for (const plan of plans) {
      for (let round = 1; round <= rounds; round++) {
        for (const server of o.servers) {
          process.stderr.write(`compare: ${plan.name} on ${server}${rounds > 1 ? ` (round ${round} of ${rounds})` : ''}…\n`);
          try {
            const made = (await plan.run(server)).runs;
            runs.push(...(rounds > 1 ? made.map((r) => ({ ...r, params: { ...r.params, round } })) : made));
          } catch (e) {
            runs.push(failed(plan.name, server, e));
          }
        }
      }
    }
    const over = rounds > 1 ? `medians of ${rounds} rounds, ` : '';
    return { runs, save: true, extra: `### ratios (${over}same run, same machine)\n\n${ratioTable(runs, o.servers)}` };
  },
});
