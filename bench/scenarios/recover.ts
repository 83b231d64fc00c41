import { Histogram } from '../core/histogram.ts';
import { rangeMax } from '../core/seq-ranges.ts';
import { COMMON_OPTIONS } from './common-options.ts';
import { publishPhase } from './phase.ts';
import { Problems, round, type RunRecord } from './run-record.ts';
import { defineScenario } from './scenario.ts';
import { withSession } from './session.ts';

/**
 * `recover`: K clients in rooms of S lose their connections at once; each room's publisher (who
 * stays) posts M messages; then all K reconnect at the same moment and rejoin with `last_seq`.
 * Measures the time from the first reconnect to the last join reply, and checks that every
 * reply held exactly the missed messages, in order, once — the mobile-network case.
 */
export const recoverScenario = defineScenario({
  name: 'recover',
  summary: 'K clients reconnect at once after missing messages: time until all recovered',
  options: {
    ...COMMON_OPTIONS,
    clients: { kind: 'int', default: 1000, doc: 'clients (the target is measured at 10000)' },
    'members-per-room': { kind: 'int', default: 100, doc: 'members per room, one of whom publishes and stays connected' },
    missed: { kind: 'int', default: 20, doc: 'messages posted to each room while its members are away' },
  },
  async run(o, env) {
    const n = o.clients;
    const s = Math.min(o['members-per-room'], n);
    const layout = { users: n, rooms: Math.ceil(n / s), membersPerRoom: s };
    const record = await withSession(env, o, layout, o, async (session): Promise<RunRecord> => {
      if (!session.target.supportsRecovery) throw new Error(`recover needs a server that answers joins with last_seq; ${session.target.name} does not (try --server renraku)`);
      const { fleet } = session;
      const open = await fleet.open(session.clients, o.concurrency);
      await fleet.settle();
      const publishers = [...session.members].map(([topic, members]) => ({ topic, client: members[0] as number }));
      const away = await fleet.disconnect(publishers.map((p) => p.client));
      // only the publishers are connected now: each receives its own room's messages
      const missed = await publishPhase(
        session,
        () => 1,
        publishers.map((p) => ({ ...p, count: o.missed, durationMs: 0, ratePerSec: 0, window: 10, bodyBytes: o['body-bytes'] })),
      );
      const expect: Record<string, number> = {};
      for (const [topic, ranges] of Object.entries(missed.pub.seqs)) expect[topic] = rangeMax(ranges);
      const back = await session.measure('reconnect', () => fleet.reconnect(expect, Number.MAX_SAFE_INTEGER));
      const verify = await fleet.verify(missed.pub.seqs);
      const problems = new Problems();
      problems.none(open.failed, `connections failed: ${JSON.stringify(open.errors)}`);
      problems.none(missed.pub.sent - missed.pub.acked, `pushes not acknowledged (${JSON.stringify(missed.pub.errors)})`);
      problems.none(back.failed, `reconnects failed: ${JSON.stringify(back.errors)}`);
      problems.none(away - back.joined - back.failed, 'clients neither reconnected nor failed');
      problems.none(back.recovery.missing, 'missed messages not recovered');
      problems.none(back.recovery.duplicates, 'messages recovered twice');
      problems.none(back.recovery.notRecovered, 'joins answered recovered: false');
      problems.none(back.joined - back.recovery.exact, 'recoveries not exact (gaps, extras or out of order)');
      problems.none(verify.missing, 'messages missing after recovery (live + recovered)');
      const seconds = (back.endUs - back.startUs) / 1e6;
      const join = Histogram.from([back.joinLatency]).percentiles();
      return {
        scenario: 'recover',
        server: session.target.name,
        params: { ...session.setup, clients: n, members_per_room: s, missed: o.missed },
        metrics: {
          reconnected: back.joined,
          recovered_exact: back.recovery.exact,
          all_recovered_s: round(seconds, 2),
          rejoins_per_s: round(back.joined / Math.max(1e-6, seconds), 0),
          rejoin_p50_ms: join.p50_ms,
          rejoin_p99_ms: join.p99_ms,
          messages_recovered: back.recovery.messages,
          missing: back.recovery.missing + verify.missing,
          duplicated: back.recovery.duplicates,
          live_drain_complete: missed.drain.complete ? 1 : 0,
        },
        ok: problems.list.length === 0,
        problems: problems.list,
      };
    });
    return { runs: [record], save: true };
  },
});
