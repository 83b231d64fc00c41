import { Histogram } from '../core/histogram.ts';
import { COMMON_OPTIONS } from './common-options.ts';
import { joinedMembers, phaseProblems, publishPhase } from './phase.ts';
import { Problems, round, type RunRecord } from './run-record.ts';
import { defineScenario } from './scenario.ts';
import { withSession } from './session.ts';

/**
 * `fanout`: one room of N members, one of them publishing. First saturated (a closed loop of
 * `window` unanswered pushes, M messages): deliveries per second and server CPU µs per delivery
 * — the cost of the broadcast path, encode once and write to every socket. Then paced at half
 * that rate (or `--paced-rate`): delivery latency percentiles below saturation.
 */
export const fanoutScenario = defineScenario({
  name: 'fanout',
  summary: 'one room of N members, one publisher: deliveries/s, server CPU per delivery, latency',
  options: {
    ...COMMON_OPTIONS,
    members: { kind: 'int', default: 1000, doc: 'members of the room (the target is measured at 10000)' },
    messages: { kind: 'int', default: 200, doc: 'messages in the saturated phase' },
    window: { kind: 'int', default: 10, doc: 'unanswered pushes the publisher keeps in the saturated phase' },
    'paced-rate': { kind: 'number', default: 0, doc: 'messages/s in the paced phase (0: half the saturated rate)' },
    'paced-messages': { kind: 'int', default: 100, doc: 'messages in the paced phase (0: skip it)' },
  },
  async run(o, env) {
    const n = o.members;
    const record = await withSession(env, o, { users: n, rooms: 1, membersPerRoom: n }, o, async (session): Promise<RunRecord> => {
      const open = await session.fleet.open(session.clients, o.concurrency);
      await session.fleet.settle();
      const [topic, members] = [...session.members][0] ?? [];
      if (!topic || !members?.length) throw new Error('the seed made no room');
      const job = { client: members[0] as number, topic, durationMs: 0, bodyBytes: o['body-bytes'] };
      const sat = await publishPhase(session, joinedMembers(open), [{ ...job, count: o.messages, ratePerSec: 0, window: o.window }]);
      const problems = new Problems();
      problems.none(open.failed, `connections failed: ${JSON.stringify(open.errors)}`);
      phaseProblems(sat, problems);
      const satRate = sat.pub.acked / sat.seconds;
      const pacedRate = o['paced-rate'] > 0 ? o['paced-rate'] : Math.max(1, Math.floor(satRate / 2));
      const paced = o['paced-messages'] > 0 ? await publishPhase(session, joinedMembers(open), [{ ...job, count: o['paced-messages'], ratePerSec: pacedRate, window: 0 }], sat) : null;
      if (paced) phaseProblems(paced, problems);
      const latency = paced ? Histogram.from([paced.stats.latency]).percentiles() : null;
      const joined = open.topics[topic]?.members ?? 0;
      return {
        scenario: 'fanout',
        server: session.target.name,
        params: { ...session.setup, members: n, messages: o.messages, window: o.window, paced_rate: pacedRate },
        metrics: {
          joined,
          deliveries_per_s: round(sat.drain.deliveries / sat.seconds, 0),
          messages_per_s: round(satRate, 1),
          cpu_us_per_delivery: round(sat.serverCpuUs / Math.max(1, sat.drain.deliveries), 2),
          client_cpu_us_per_delivery: round(sat.clientCpuUs / Math.max(1, sat.drain.deliveries), 2),
          machine_busy_pct: sat.machineBusyPct,
          p50_ms: latency?.p50_ms ?? null,
          p99_ms: latency?.p99_ms ?? null,
          max_ms: latency?.max_ms ?? null,
          missing: sat.verify.missing + (paced?.verify.missing ?? 0),
          duplicated: sat.verify.duplicates + (paced?.verify.duplicates ?? 0),
        },
        ok: problems.list.length === 0,
        problems: problems.list,
      };
    });
    return { runs: [record], save: true };
  },
});
