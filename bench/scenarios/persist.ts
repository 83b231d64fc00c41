import { Histogram } from '../core/histogram.ts';
import { LOAD_OPTIONS, storeOf } from './common-options.ts';
import { joinedMembers, phaseProblems, publishPhase } from './phase.ts';
import { Problems, round, type RunRecord } from './run-record.ts';
import { defineScenario } from './scenario.ts';
import { withSession } from './session.ts';

/**
 * `persist`: P publishers, each in its own room, each keeping `window` pushes unanswered for D
 * seconds. A push is answered only once the message is durably stored, so acknowledged pushes
 * per second is the store's write rate as clients see it — the number group commit exists for.
 * Runs once per store (SQLite, PostgreSQL), each on a fresh server and a fresh database.
 */
export const persistScenario = defineScenario({
  name: 'persist',
  summary: 'acknowledged (durably stored) messages per second on SQLite and PostgreSQL',
  options: {
    ...LOAD_OPTIONS,
    stores: { kind: 'list', default: ['sqlite', 'postgres'], doc: 'stores to measure, in order' },
    publishers: { kind: 'int', default: 100, doc: 'publishing clients, each in its own room' },
    window: { kind: 'int', default: 10, doc: 'unanswered pushes each publisher keeps' },
    duration: { kind: 'number', default: 10, doc: 'seconds of publishing per store' },
  },
  async run(o, env) {
    const runs: RunRecord[] = [];
    for (const store of o.stores.map(storeOf)) {
      const layout = { users: o.publishers, rooms: o.publishers, membersPerRoom: 1 };
      runs.push(
        await withSession(env, { server: 'renraku', store }, layout, o, async (session): Promise<RunRecord> => {
          const open = await session.fleet.open(session.clients, o.concurrency);
          await session.fleet.settle();
          const jobs = [...session.members].map(([topic, members]) => ({
            client: members[0] as number,
            topic,
            count: 0,
            durationMs: o.duration * 1000,
            ratePerSec: 0,
            window: o.window,
            bodyBytes: o['body-bytes'],
          }));
          const phase = await publishPhase(session, joinedMembers(open), jobs);
          const problems = new Problems();
          problems.none(open.failed, `connections failed: ${JSON.stringify(open.errors)}`);
          phaseProblems(phase, problems);
          const ack = Histogram.from([phase.pub.ackLatency]).percentiles();
          const ackSeconds = Math.max(1e-6, (phase.pub.lastAckUs - phase.pub.firstSendUs) / 1e6);
          return {
            scenario: 'persist',
            server: 'renraku',
            params: { store, client: o.client, publishers: o.publishers, window: o.window, duration_s: o.duration },
            metrics: {
              acked: phase.pub.acked,
              acked_per_s: round(phase.pub.acked / ackSeconds, 0),
              ack_p50_ms: ack.p50_ms,
              ack_p99_ms: ack.p99_ms,
              cpu_us_per_message: round(phase.serverCpuUs / Math.max(1, phase.pub.acked), 1),
              client_cpu_us_per_message: round(phase.clientCpuUs / Math.max(1, phase.pub.acked), 1),
              machine_busy_pct: phase.machineBusyPct,
              missing: phase.verify.missing,
              duplicated: phase.verify.duplicates,
            },
            ok: problems.list.length === 0,
            problems: problems.list,
          };
        }),
      );
    }
    return { runs, save: true };
  },
});
