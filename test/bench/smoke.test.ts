/**
 * A tiny run of every available benchmark scenario against Renraku and both peers: proves the
 * harness still works end to end (servers start, clients join, messages are counted, nothing
 * is lost or duplicated). Never asserts speed — `npm run bench` measures that.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TSX_IMPORT } from '../../bench/core/child.ts';
import { chatScenario } from '../../bench/scenarios/chat.ts';
import { compareScenario } from '../../bench/scenarios/compare.ts';
import { connectScenario } from '../../bench/scenarios/connect.ts';
import { fanoutScenario } from '../../bench/scenarios/fanout.ts';
import { mailScenario } from '../../bench/scenarios/mail.ts';
import { persistScenario } from '../../bench/scenarios/persist.ts';
import { recoverScenario } from '../../bench/scenarios/recover.ts';
import { webScenario } from '../../bench/scenarios/web.ts';
import type { RunRecord } from '../../bench/scenarios/run-record.ts';
import type { RunEnv, ScenarioOutput } from '../../bench/scenarios/scenario.ts';
import { startTarget } from '../../bench/servers/start-target.ts';
import type { RunningTarget, TargetOptions } from '../../bench/servers/target.ts';
import { buildServer } from '../support/build-server.ts';
import { requirePostgresOrSkip, startPostgres, type PrivatePostgres } from '../support/postgres.ts';
import { requireChromiumOrSkip } from '../web/support/browser.ts';

const tiny = { workers: 1, concurrency: 20 } as const;

/**
 * One server per kind (and store) for the whole file: starting Renraku costs seconds of CPU, and
 * these runs check the harness, not the numbers. Each scenario still seeds its own users and
 * rooms and drives them with its own fleet.
 */
class SharedServers implements RunEnv {
  private readonly started = new Map<string, Promise<RunningTarget>>();

  startTarget(name: string, opts: TargetOptions): Promise<RunningTarget> {
    const key = `${name}/${opts.store}`;
    let target = this.started.get(key);
    if (!target) this.started.set(key, (target = startTarget(name, opts)));
    return target.then((t) => ({ ...t, stop: () => Promise.resolve() }));
  }

  async stopAll(): Promise<void> {
    const all = await Promise.allSettled(this.started.values());
    await Promise.all(all.map((t) => (t.status === 'fulfilled' ? t.value.stop() : undefined)));
  }
}

// The bench's Renraku target runs what `npm start` runs: the compiled build, made from this tree.
before(buildServer);
const servers = new SharedServers();
after(() => servers.stopAll());
const CLI = fileURLToPath(new URL('../../bench/cli.ts', import.meta.url));

/** The run is correct and every named metric is a number. */
function assertRuns(out: ScenarioOutput, scenario: string, metrics: string[]): RunRecord[] {
  assert.ok(out.runs.length > 0, 'no runs');
  for (const r of out.runs) {
    assert.equal(r.scenario, scenario);
    assert.deepEqual(r.problems, [], `${r.server}: ${r.problems.join('; ')}`);
    assert.equal(r.ok, true);
    for (const m of metrics) assert.equal(typeof r.metrics[m], 'number', `${r.server} ${m} = ${String(r.metrics[m])}`);
    if ('missing' in r.metrics) assert.equal(r.metrics.missing, 0);
    if ('duplicated' in r.metrics) assert.equal(r.metrics.duplicated, 0);
  }
  return out.runs;
}

// The groups run side by side (each has its own servers, ports and data); inside a group, one
// scenario at a time. Nothing here measures speed, so sharing the cores is harmless.
describe('bench smoke', { concurrency: true }, () => {
for (const server of ['renraku', 'socketio', 'raw']) {
  describe(`bench scenarios on ${server}`, () => {
    test('connect', async () => {
      const out = await connectScenario.runWith({ ...connectScenario.defaults(), ...tiny, server, connections: 20, 'members-per-room': 10 }, servers);
      const [run] = assertRuns(out, 'connect', ['joins_per_s', 'mem_per_conn_kb', 'cpu_us_per_join']);
      assert.equal(run?.metrics.joined, 20);
    });

    test('fanout', async () => {
      const out = await fanoutScenario.runWith({ ...fanoutScenario.defaults(), ...tiny, server, members: 20, messages: 50, 'paced-messages': 10, 'paced-rate': 50 }, servers);
      const [run] = assertRuns(out, 'fanout', ['deliveries_per_s', 'cpu_us_per_delivery', 'p99_ms']);
      assert.equal(run?.metrics.joined, 20);
    });

    test('chat', async () => {
      const out = await chatScenario.runWith({ ...chatScenario.defaults(), ...tiny, server, rooms: 2, members: 10, rate: 50, duration: 1 }, servers);
      const [run] = assertRuns(out, 'chat', ['p50_ms', 'p99_ms', 'max_ms', 'deliveries_per_s']);
      assert.ok((run?.metrics.messages ?? 0) > 0);
    });

    test('connect and chat with the lean client', async () => {
      const lean = { ...tiny, server, client: 'lean' };
      const connected = await connectScenario.runWith({ ...connectScenario.defaults(), ...lean, connections: 20, 'members-per-room': 10 }, servers);
      const [run] = assertRuns(connected, 'connect', ['joins_per_s', 'mem_per_conn_kb', 'cpu_us_per_join']);
      assert.equal(run?.metrics.joined, 20);
      assert.equal(run?.params.client, 'lean');
      const chatted = await chatScenario.runWith({ ...chatScenario.defaults(), ...lean, rooms: 2, members: 10, rate: 50, duration: 1 }, servers);
      const [chat] = assertRuns(chatted, 'chat', ['p50_ms', 'p99_ms', 'deliveries_per_s']);
      assert.ok((chat?.metrics.messages ?? 0) > 0);
    });
  });
}

describe('bench scenarios only Renraku has', () => {
  test('persist on SQLite', async () => {
    const out = await persistScenario.runWith({ ...persistScenario.defaults(), ...tiny, stores: ['sqlite'], publishers: 4, window: 4, duration: 1 }, servers);
    const runs = assertRuns(out, 'persist', ['acked_per_s', 'ack_p99_ms']);
    assert.deepEqual(runs.map((r) => r.params.store), ['sqlite']);
  });

  describe('on a private PostgreSQL', requirePostgresOrSkip('bench persist on PostgreSQL'), () => {
    let pg: PrivatePostgres | undefined;
    before(async () => {
      pg = await startPostgres();
    });
    after(() => pg?.stop());

    test('persist on PostgreSQL', async () => {
      const postgresUrl = (pg as PrivatePostgres).urlFor('postgres');
      const out = await persistScenario.runWith({ ...persistScenario.defaults(), ...tiny, 'postgres-url': postgresUrl, stores: ['postgres'], publishers: 4, window: 4, duration: 1 }, servers);
      const runs = assertRuns(out, 'persist', ['acked_per_s', 'ack_p99_ms']);
      assert.deepEqual(runs.map((r) => r.params.store), ['postgres']);
    });

    test('mail on PostgreSQL', async () => {
      const out = await mailScenario.runWith({ ...mailScenario.defaults(), 'postgres-url': (pg as PrivatePostgres).urlFor('postgres'), store: 'postgres', members: 20 });
      const [run] = assertRuns(out, 'mail', ['smtp_accept_ms', 'last_mail_s', 'mails_per_s']);
      assert.equal(run?.params.store, 'postgres');
      assert.equal(run?.metrics.mails_received, 20);
    });
  });

  test('recover', async () => {
    const out = await recoverScenario.runWith({ ...recoverScenario.defaults(), ...tiny, clients: 20, 'members-per-room': 10, missed: 5 }, servers);
    const [run] = assertRuns(out, 'recover', ['all_recovered_s', 'recovered_exact']);
    assert.equal(run?.metrics.reconnected, 18);
    assert.equal(run?.metrics.recovered_exact, 18);
    assert.equal(run?.metrics.messages_recovered, 18 * 5);
  });

  test('recover with the lean client', async () => {
    const out = await recoverScenario.runWith({ ...recoverScenario.defaults(), ...tiny, client: 'lean', clients: 20, 'members-per-room': 10, missed: 5 }, servers);
    const [run] = assertRuns(out, 'recover', ['all_recovered_s', 'recovered_exact']);
    assert.equal(run?.metrics.recovered_exact, 18);
    assert.equal(run?.metrics.messages_recovered, 18 * 5);
  });

  test('mail: two posts to a 20-member list reach every member once each', async () => {
    const out = await mailScenario.runWith({ ...mailScenario.defaults(), members: 20, posts: 2 });
    const [run] = assertRuns(out, 'mail', ['smtp_accept_ms', 'smtp_data_to_250_ms', 'in_app_ms', 'first_mail_ms', 'last_mail_s', 'mails_per_s']);
    assert.equal(run?.metrics.mails_expected, 40, 'the owner posts with self-copy on: 20 members × 2 posts');
    assert.equal(run?.metrics.mails_received, 40);
    assert.equal(run?.metrics.unexpected, 0);
  });

  test('recover refuses a server without last_seq recovery', async () => {
    await assert.rejects(recoverScenario.runWith({ ...recoverScenario.defaults(), ...tiny, server: 'raw', clients: 4, 'members-per-room': 2 }, servers), /recover needs a server/);
  });
});

describe('bench web in Chromium', requireChromiumOrSkip('bench web'), () => {
  test('web: builds web/dist, sizes it, and times one cold first render', { timeout: 240_000 }, async () => {
    const out = await webScenario.runWith({ ...webScenario.defaults(), runs: 1 }, servers);
    const [run] = assertRuns(out, 'web', ['first_js_gzip_kb', 'all_js_gzip_kb', 'first_css_gzip_kb', 'first_render_p50_ms', 'first_render_max_ms', 'first_js_loaded_kb']);
    assert.equal(run?.metrics.first_render_p50_ms, run?.metrics.first_render_max_ms, 'one run: its median is its max');
    assert.ok((run?.metrics.first_js_gzip_kb ?? 0) > 0 && (run?.metrics.first_js_gzip_kb ?? 0) <= (run?.metrics.all_js_gzip_kb ?? 0));
    assert.equal(run?.metrics.first_js_loaded_kb, run?.metrics.first_js_kb, 'the browser loads exactly the scripts web/scripts/size.ts counts as the first visit');
  });
});

describe('bench cli', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [...TSX_IMPORT, CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

  test('unknown scenarios and options fail with the valid ones', () => {
    const r = cli('fanot');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /valid: connect, fanout, chat, persist, recover, compare/);
    const o = cli('fanout', '--memebrs', '3');
    assert.equal(o.status, 1);
    assert.match(o.stderr, /unknown option "--memebrs"; valid: .*--members/);
  });

  test('compare knows its presets', async () => {
    await assert.rejects(compareScenario.runWith({ ...compareScenario.defaults(), preset: 'huge' }, servers), /valid: full, quick/);
  });
});
});
