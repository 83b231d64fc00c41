import { Histogram } from '../core/histogram.ts';
import { sumCounts } from '../core/counts.ts';
import { machineBusyPercent, machineCpu } from '../core/machine-load.ts';
import { COMMON_OPTIONS } from './common-options.ts';
import { Problems, round, type RunRecord } from './run-record.ts';
import { defineScenario } from './scenario.ts';
import { withSession } from './session.ts';

/**
 * `connect`: N clients connect with real tokens and join their room (rooms of S members), then
 * sit idle. Measures joins per second (first connect to last join reply, token checks included),
 * server CPU per join, and memory per connection: server RSS after a full GC with everyone joined
 * and presence settled, minus RSS after a full GC before the first connection, over N.
 */
export const connectScenario = defineScenario({
  name: 'connect',
  summary: 'N idle joined connections: memory per connection, joins per second',
  options: {
    ...COMMON_OPTIONS,
    connections: { kind: 'int', default: 2000, doc: 'connections (the target is measured at 19500)' },
    'members-per-room': { kind: 'int', default: 100, doc: 'members per room; each connection joins one room' },
  },
  async run(o, env) {
    const n = o.connections;
    const s = Math.min(o['members-per-room'], n);
    const layout = { users: n, rooms: Math.ceil(n / s), membersPerRoom: s };
    const record = await withSession(env, o, layout, o, async ({ target, fleet, clients, setup, measure }): Promise<RunRecord> => {
      // two GCs apart: start-up garbage is gone before the baseline
      await target.server.sample(true);
      await new Promise((r) => setTimeout(r, 500));
      const before = await target.server.sample(true);
      const genBefore = await fleet.stats();
      const machineBefore = machineCpu();
      const open = await measure('connect', () => fleet.open(clients, o.concurrency));
      const machineBusyPct = machineBusyPercent(machineBefore, machineCpu());
      const joinedCpu = await target.server.sample(false);
      const genAfter = await fleet.stats();
      const settled = await fleet.settle();
      const after = await target.server.sample(true);
      const stats = await fleet.stats();
      const problems = new Problems();
      problems.none(open.failed, `connections failed: ${JSON.stringify(open.errors)}`);
      problems.none(sumCounts(stats.dropped), `connections dropped by the server: ${JSON.stringify(stats.dropped)}`);
      const seconds = (open.endUs - open.startUs) / 1e6;
      const cpuUs = joinedCpu.cpuUserUs + joinedCpu.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs;
      const joinLatency = Histogram.from([open.joinLatency]).percentiles();
      return {
        scenario: 'connect',
        server: target.name,
        params: { ...setup, connections: n, members_per_room: s, workers: fleet.size },
        metrics: {
          joined: open.joined,
          joins_per_s: round(open.joined / seconds, 0),
          join_p50_ms: joinLatency.p50_ms,
          join_p99_ms: joinLatency.p99_ms,
          cpu_us_per_join: round(cpuUs / Math.max(1, open.joined), 1),
          // what one core of server CPU would sustain: the join rate with the generator's (and
          // other programs') share of the machine taken out
          joins_per_server_cpu_s: round((open.joined / Math.max(1, cpuUs)) * 1e6, 0),
          client_cpu_us_per_join: round((genAfter.cpuUs - genBefore.cpuUs) / Math.max(1, open.joined), 1),
          // the whole machine during the joins (server, generator, the rest): near 100 it was the limit
          machine_busy_pct: machineBusyPct,
          mem_per_conn_kb: round((after.rss - before.rss) / Math.max(1, open.joined) / 1024, 2),
          heap_per_conn_kb: round((after.heapUsed - before.heapUsed) / Math.max(1, open.joined) / 1024, 2),
          // V8's committed heap (free pages and semi-spaces included): RSS minus this is memory outside the JS heap
          heap_total_per_conn_kb: round((after.heapTotal - before.heapTotal) / Math.max(1, open.joined) / 1024, 2),
          // Buffers and other memory V8 counts outside its heap (still held after GC: retained frames)
          external_per_conn_kb: round((after.external - before.external) / Math.max(1, open.joined) / 1024, 2),
          // the most V8 ever held outside its heap (compiler zones) since start: freed, it may stay in RSS
          v8_peak_malloced_mb: round(after.v8PeakMalloced / 2 ** 20, 1),
          rss_mb: round(after.rss / 2 ** 20, 1),
          // right after the last join, before settling and GC: how far the storm pushed RSS
          joined_rss_mb: round(joinedCpu.rss / 2 ** 20, 1),
          other_frames: sumCounts(stats.other),
          other_mb: round(stats.otherBytes / 2 ** 20, 1),
          settle_ms: settled.ms,
        },
        ok: problems.list.length === 0,
        problems: problems.list,
      };
    });
    return { runs: [record], save: true };
  },
});
