import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selfTimes } from '../../bench/core/cpu-profile.ts';
import { Histogram } from '../../bench/core/histogram.ts';
import { assertLoopback, sourceEndpoint } from '../../bench/core/loopback.ts';
import { machineBusyPercent, machineCpu } from '../../bench/core/machine-load.ts';
import { parseOptions } from '../../bench/core/options.ts';
import { mergeRanges, rangeCount, toRanges } from '../../bench/core/seq-ranges.ts';
import { SeqTracker } from '../../bench/core/seq-tracker.ts';
import { StallWatch, worstStalls } from '../../bench/core/stall-watch.ts';
import { engineioWire } from '../../bench/load/engineio-wire.ts';
import { workersFor } from '../../bench/load/fleet.ts';
import { BENCH_LIMITS } from '../../bench/core/limits.ts';
import { benchBody } from '../../bench/load/message-scan.ts';
import { phoenixWire } from '../../bench/load/phoenix-wire.ts';
import { generatorLag } from '../../bench/scenarios/chat.ts';
import { ratioTable } from '../../bench/scenarios/compare.ts';
import { median, type RunRecord } from '../../bench/scenarios/run-record.ts';
import { roomMembers } from '../../bench/servers/seed.ts';

const message = (seq: number, sentUs: number) => ({
  id: '01JABCDEFGHJKMNPQRSTVWXYZ0',
  seq,
  room_id: '01JROOMROOMROOMROOMROOMROO',
  author_id: '01JUSERUSERUSERUSERUSERUSE',
  body: benchBody(sentUs, '3.7', 60),
  reply_to: null,
  mentions: [],
  client_id: 'b3.7',
  at: 1,
  edited_at: null,
  deleted: false,
});

test('only loopback targets are allowed', () => {
  for (const ok of ['127.0.0.1', '127.3.2.1', 'localhost', '::1', '[::1]']) assertLoopback(ok);
  for (const bad of ['10.0.0.1', '8.8.8.8', 'example.com', '0.0.0.0', '::']) assert.throws(() => assertLoopback(bad), /only loopback/);
});

test('clients get distinct loopback source endpoints, another space per fleet and round', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50_000; i += 7) {
    const e = sourceEndpoint(i, 0);
    assert.match(e.address, /^127\.1\.0\.\d+$/);
    seen.add(`${e.address}:${e.port}`);
  }
  assert.equal(seen.size, Math.ceil(50_000 / 7));
  assert.notEqual(sourceEndpoint(5, 1).address, sourceEndpoint(5, 0).address);
  assert.equal(sourceEndpoint(5, 256 * 254 - 1).address, '127.254.255.2');
  assert.equal(sourceEndpoint(5, 256 * 254).address, '127.1.0.2');
});

test('histogram percentiles are within 2% and merge across workers', () => {
  const a = new Histogram();
  const b = new Histogram();
  for (let us = 1; us <= 10_000; us++) (us % 2 ? a : b).record(us);
  const h = Histogram.from([a.toData(), b.toData()]);
  const p = h.percentiles();
  assert.equal(p.count, 10_000);
  assert.ok(Math.abs(p.p50_ms - 5) / 5 < 0.025, `p50 ${p.p50_ms}`);
  assert.ok(Math.abs(p.p99_ms - 9.9) / 9.9 < 0.025, `p99 ${p.p99_ms}`);
  assert.equal(p.max_ms, 10);
});

test('seq ranges collapse, merge and count', () => {
  assert.deepEqual(toRanges([5, 3, 4, 9, 3, 10]), [[3, 5], [9, 10]]);
  assert.deepEqual(mergeRanges([[1, 3]], [[4, 6], [9, 9]]), [[1, 6], [9, 9]]);
  assert.equal(rangeCount([[1, 6], [9, 9]]), 7);
});

test('a seq tracker finds gaps, duplicates and the contiguous last_seq', () => {
  const t = new SeqTracker(10);
  for (const s of [11, 12, 14, 12, 9]) t.add(s);
  assert.equal(t.duplicates, 1);
  assert.equal(t.stale, 1);
  assert.equal(t.contiguous(), 12);
  assert.deepEqual(t.check([[11, 15]]), { missing: 2, unexpected: 0 });
  for (let s = 15; s < 5000; s++) t.add(s);
  assert.deepEqual(t.check([[11, 4999]]), { missing: 1, unexpected: 0 });
});

test('the Phoenix speaker reads broadcasts, replies and other frames', () => {
  const m = message(42, 123456);
  const delivery = phoenixWire.decode(Buffer.from(JSON.stringify([null, null, 'room:R', 'msg', m])));
  assert.deepEqual(delivery, { kind: 'delivery', topic: 'room:R', seq: 42, sentUs: 123456 });
  const reply = phoenixWire.decode(Buffer.from(JSON.stringify(['1', '7', 'room:R', 'phx_reply', { status: 'ok', response: { seq: 3 } }])));
  assert.deepEqual(reply, { kind: 'reply', ref: 7, ok: true, response: { seq: 3 } });
  const presence = phoenixWire.decode(Buffer.from(JSON.stringify(['1', null, 'room:R', 'presence_state', { u: { metas: [] } }])));
  assert.deepEqual(presence, { kind: 'other', event: 'presence_state' });
  assert.equal(phoenixWire.join(5, 'room:R', { last_seq: 3 }), '["5","5","room:R","phx_join",{"last_seq":3}]');
});

test('the Engine.IO speaker answers pings and opens, reads events and acks', () => {
  assert.deepEqual(engineioWire.decode(Buffer.from('2')), { kind: 'answer', frame: '3' });
  assert.deepEqual(engineioWire.decode(Buffer.from('0{"sid":"x","pingInterval":25000}')), { kind: 'answer', frame: '40' });
  assert.deepEqual(engineioWire.decode(Buffer.from('40{"sid":"y"}')), { kind: 'ready' });
  const m = message(9, 777);
  assert.deepEqual(engineioWire.decode(Buffer.from(`42${JSON.stringify(['msg', m])}`)), { kind: 'delivery', topic: `room:${m.room_id}`, seq: 9, sentUs: 777 });
  assert.deepEqual(engineioWire.decode(Buffer.from('4312[{"status":"error","response":{"reason":"x"}}]')), { kind: 'reply', ref: 12, ok: false, response: { reason: 'x' } });
});

test('options parse by their declaration and reject the unknown with the valid list', () => {
  const specs = { rate: { kind: 'number', default: 500, doc: '' }, stores: { kind: 'list', default: ['sqlite'], doc: '' }, profile: { kind: 'flag', default: false, doc: '' } } as const;
  assert.deepEqual(parseOptions(['--rate', '1_000', '--stores=sqlite,postgres', '--profile'], specs), { rate: 1000, stores: ['sqlite', 'postgres'], profile: true });
  assert.throws(() => parseOptions(['--rat', '1'], specs), /valid: --rate --stores --profile/);
  assert.throws(() => parseOptions(['--rate', 'fast'], specs), /non-negative number/);
});

test('room membership follows the seed command: room r holds users r·S …', () => {
  assert.deepEqual(roomMembers({ users: 6, rooms: 3, membersPerRoom: 2 }), [[0, 1], [2, 3], [4, 5]]);
  assert.deepEqual(roomMembers({ users: 3, rooms: 2, membersPerRoom: 2 }), [[0, 1], [2, 0]]);
});

test('a CPU profile reads as self time per function, idle apart', () => {
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 9 });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(idle)') },
      { id: 2, callFrame: frame('encode', 'file:///x/src/protocol/serializer.ts') },
      { id: 3, callFrame: frame('(garbage collector)') },
    ],
    samples: [1, 2, 2, 3, 1],
    timeDeltas: [5000, 3000, 1000, 1000, 5000],
  };
  const { busyMs, idleMs, rows } = selfTimes(profile);
  assert.equal(busyMs, 5);
  assert.equal(idleMs, 10);
  assert.deepEqual(rows[0], { where: 'encode protocol/serializer.ts:10', ms: 4, pct: 80 });
});

test('compare rounds: medians per server, then ratios of the medians', () => {
  assert.equal(median([]), null);
  assert.equal(median([3]), 3);
  assert.equal(median([9, 1, 5]), 5);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  const run = (server: string, kb: number): RunRecord => ({ scenario: 'connect', server, params: {}, metrics: { mem_per_conn_kb: kb }, ok: true, problems: [] });
  const runs = [run('renraku', 5), run('raw', 4), run('renraku', 9), run('raw', 5), run('renraku', 6), run('raw', 4.8)];
  const row = ratioTable(runs, ['renraku', 'raw']).split('\n').find((line) => line.startsWith('| connect mem_per_conn_kb'));
  // renraku's median 6, raw's 4.8: 1.25× — not the mean (6.67) nor any single pair's ratio
  assert.match(row ?? '', /^\| connect mem_per_conn_kb \| 6 \| 4\.8 \| 1\.25× \|/);
});

test('machine load: % of all cores busy between two /proc/stat readings; null without two readings', () => {
  assert.equal(machineBusyPercent({ busy: 100, total: 400 }, { busy: 250, total: 600 }), 75);
  assert.equal(machineBusyPercent({ busy: 100, total: 400 }, { busy: 100, total: 400 }), null, 'no time passed');
  assert.equal(machineBusyPercent(undefined, { busy: 1, total: 2 }), null);
  const now = machineCpu();
  if (process.platform === 'linux') {
    assert.ok(now && now.busy > 0 && now.busy <= now.total, JSON.stringify(now));
  } else {
    assert.equal(now, undefined);
  }
});

test('stalls: a blocked loop shows up, a reset starts over, workers merge to the worst', async () => {
  const watch = new StallWatch();
  const tick = () => new Promise((r) => setTimeout(r, 20));
  await tick();
  const until = performance.now() + 60;
  while (performance.now() < until); // the loop is blocked for 60 ms
  await tick();
  const blocked = watch.read(true);
  assert.ok(blocked.loop_max_ms >= 40, JSON.stringify(blocked));
  assert.ok(blocked.loop_p99_ms <= blocked.loop_max_ms, JSON.stringify(blocked));
  assert.deepEqual(watch.read(false), { loop_p99_ms: 0, loop_max_ms: 0, gc_max_ms: 0, gc_total_ms: 0 }, 'a reset starts over');
  assert.deepEqual(
    worstStalls([
      { loop_p99_ms: 3, loop_max_ms: 10, gc_max_ms: 2, gc_total_ms: 5.5 },
      { loop_p99_ms: 7, loop_max_ms: 8, gc_max_ms: 4, gc_total_ms: 1.25 },
    ]),
    { loop_p99_ms: 7, loop_max_ms: 10, gc_max_ms: 4, gc_total_ms: 6.75 },
  );
});

test('load workers: as few as hold the connections unless more are asked for; two at least with ws', () => {
  const most = BENCH_LIMITS.maxConnectionsPerWorker;
  assert.equal(workersFor(19_500, 0, 'lean'), 1, 'a 19,500-connection run fits one worker');
  assert.equal(workersFor(most + 1, 0, 'lean'), 2);
  assert.equal(workersFor(100_000, 0, 'lean'), Math.ceil(100_000 / most));
  assert.equal(workersFor(100, 3, 'lean'), 3, 'more when asked');
  assert.equal(workersFor(3 * most, 1, 'lean'), 3, 'never fewer than hold them');
  assert.equal(workersFor(0, 0, 'lean'), 1);
  assert.equal(workersFor(19_500, 0, 'ws'), 2, 'the ws client costs a worker its core sooner');
  assert.equal(workersFor(19_500, 1, 'ws'), 2);
  assert.equal(workersFor(100_000, 0, 'ws'), Math.ceil(100_000 / most));
});

test('chat sweep: names the generator when the rate that ended it stalled a load worker as long as the bound', () => {
  const run = (rate: number, clientLoopMaxMs: number | null): RunRecord => ({
    scenario: 'chat', server: 'renraku', params: { rate }, metrics: { p99_ms: 120, client_loop_max_ms: clientLoopMaxMs }, ok: true, problems: [],
  });
  assert.equal(generatorLag([]), undefined);
  assert.equal(generatorLag([run(500, 140), run(1000, 40)]), undefined);
  assert.equal(generatorLag([run(1000, null)]), undefined);
  const said = generatorLag([run(500, 10), run(1000, 137.9)]);
  assert.match(said ?? '', /At 1000 messages\/s a load worker's own loop fell 137\.9 ms behind/);
  assert.match(said ?? '', /--workers/);
});
