import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { diagCommand, type DiagOutput } from '../../src/cli/diag.ts';
import { adminSocketPath } from '../../src/ops/admin-socket.ts';
import { takeHeapSnapshot } from '../../src/ops/node-dumps.ts';
import { AppError } from '../../src/domain/app-error.ts';
import { connect, join } from '../support/phoenix-helpers.ts';
import { RENRAKU_FROM_SOURCES } from '../support/renraku-sources.ts';
import { OPERATOR_TOKEN, startOpsNode, type OpsNode } from './support/ops-node.ts';
import { waitUntil } from './support/wait-until.ts';

const run = promisify(execFile);

/** Runs `renraku diag …` in this process against the node; returns the exit code and what it printed. */
async function diag(args: string[]): Promise<{ code: number; out: string[]; err: string[]; json: any }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: DiagOutput = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await diagCommand(args, output);
  let json: unknown;
  try {
    json = JSON.parse(out.at(-1) ?? '');
  } catch {
    json = undefined;
  }
  return { code, out, err, json };
}

describe('renraku diag against a running node', () => {
  let node: OpsNode;
  let socketArgs: string[];
  let urlArgs: string[];

  before(async () => {
    node = await startOpsNode();
    socketArgs = ['--socket', adminSocketPath(node.dataDir), '--json'];
    urlArgs = ['--url', node.url, '--token', OPERATOR_TOKEN, '--json'];
  });
  after(() => node.stop());

  test('the admin socket is the owner\'s only (0600)', () => {
    const stat = statSync(adminSocketPath(node.dataDir));
    assert.ok(stat.isSocket());
    assert.equal(stat.mode & 0o777, 0o600);
  });

  test('stats over the socket and over --url: uptime, memory, heap spaces, event loop, handles, connections', async () => {
    const owner = await node.signup('Stats owner');
    const socket = connect(node.wsUrl, owner.socketToken, 'websocket');
    try {
      await join(socket.channel(`user:${owner.user.id}`, {}));
      for (const args of [socketArgs, urlArgs]) {
        const { code, json, err } = await diag([...args, 'stats']);
        assert.equal(code, 0, err.join('\n'));
        assert.equal(json.node, node.app.nodeId);
        assert.equal(json.pid, process.pid);
        assert.ok(json.uptimeMs >= 0);
        assert.ok(json.memory.heapUsed > 0 && json.memory.rss > 0);
        assert.ok(json.heapSpaces.some((s: { name: string }) => s.name === 'old_space'));
        assert.equal(typeof json.eventLoop.delayP99Ms, 'number');
        assert.ok(json.eventLoop.utilization >= 0 && json.eventLoop.utilization <= 1);
        assert.ok(json.handles.TCPServerWrap >= 1, JSON.stringify(json.handles));
        assert.equal(json.connections, 1);
        assert.equal(json.channels, 1);
      }
    } finally {
      socket.disconnect();
    }
  });

  test('the human output of stats is the same answer, pretty-printed', async () => {
    const { code, out } = await diag(['--socket', adminSocketPath(node.dataDir), 'stats']);
    assert.equal(code, 0);
    assert.equal(JSON.parse(out.join('\n')).node, node.app.nodeId);
  });

  test('nodes, jobs and outbox', async () => {
    const nodes = await diag([...socketArgs, 'nodes']);
    assert.equal(nodes.code, 0);
    assert.deepEqual(nodes.json.map((n: { id: string; address: string }) => [n.id, n.address]), [[node.app.nodeId, node.url]]);

    node.app.scheduler.register('diag-job', async () => {
      throw new Error('diag-job broke');
    });
    await node.app.scheduler.schedule('diag-job', 'once', Date.now());
    await node.app.scheduler.tick();
    const jobs = await diag([...socketArgs, 'jobs']);
    const row = jobs.json.jobs.find((j: { name: string }) => j.name === 'diag-job');
    assert.deepEqual({ runs: row.runs, retried: row.retried, running: row.running, lastStatus: row.lastStatus, lastError: row.lastError }, { runs: 1, retried: 1, running: 0, lastStatus: 'retry', lastError: 'diag-job broke' });

    await node.app.outbox.enqueue([{ message_key: 'diag:1', user_id: null, to: 'x@example.org', subject: 'S', text: 'T' }]);
    const outbox = await diag([...urlArgs, 'outbox']);
    assert.equal(outbox.code, 0);
    assert.deepEqual(outbox.json.rows, await node.app.store.outbox.countByStatus());
    assert.equal(outbox.json.rows.queued, 1);
    assert.deepEqual(outbox.json.sentByThisNode, { sent: 0, queued: 0, bounced: 0, failed: 0 });
  });

  test('log-level changes the level at run time; a bad level is refused with the valid ones', async () => {
    const before = node.logs.length;
    const set = await diag([...socketArgs, 'log-level', 'debug']);
    assert.equal(set.code, 0);
    assert.deepEqual({ previous: set.json.previous, level: set.json.level }, { previous: 'info', level: 'debug' });
    assert.equal(node.app.http.log.level, 'debug', 'the node\'s logger itself');
    assert.ok(node.logs.slice(before).some((l) => l.msg === 'diag: log level changed' && l.from === 'info' && l.to === 'debug'));
    node.app.http.log.debug('a debug line');
    assert.ok(node.logs.slice(before).some((l) => l.msg === 'a debug line'), 'debug lines are written now');
    const back = await diag([...urlArgs, 'log-level', 'info']);
    assert.equal(back.json.previous, 'debug');
    const bad = await diag([...socketArgs, 'log-level', 'verbose']);
    assert.equal(bad.code, 1);
    assert.match(bad.err.join(''), /diag_invalid_arguments: --level must be one of fatal, error, warn, info, debug, trace, silent/);
  });

  test('trace of a topic streams live broadcasts and stops itself at --max', async () => {
    const owner = await node.signup('Trace owner');
    const group = await node.createGroup(owner);
    const room = await node.createRoom(owner, group.id);
    const topic = `room:${room.id}`;
    const subscribers = node.app.pubsub.subscriberCount(topic);
    const tracing = diag([...socketArgs, 'trace', topic, '--max', '2', '--seconds', '30']);
    await waitUntil('the trace to subscribe', () => node.app.pubsub.subscriberCount(topic) > subscribers);
    for (let i = 0; i < 3; i++) await node.request('POST', `/api/rooms/${room.id}/messages`, { token: owner.token, body: { body: `traced ${i}`, client_id: `trace-${i}` } });
    const { code, out, json, err } = await tracing;
    assert.equal(code, 0, err.join('\n'));
    const events = out.slice(0, -1).map((line) => JSON.parse(line));
    assert.equal(events.length, 2);
    assert.deepEqual(events.map((e) => [e.kind, e.topic, e.event]), [['broadcast', topic, 'msg'], ['broadcast', topic, 'msg']]);
    assert.match(events[0].preview, /traced 0/);
    assert.deepEqual({ recorded: json.recorded, dropped: json.dropped, stoppedBy: json.stoppedBy }, { recorded: 2, dropped: 0, stoppedBy: 'max' });
    assert.equal(node.app.pubsub.subscriberCount(topic), subscribers, 'the trace unsubscribed');
  });

  test('trace over --url stops itself after --seconds', async () => {
    const { code, json } = await diag([...urlArgs, 'trace', 'room:quiet', '--max', '5', '--seconds', '1']);
    assert.equal(code, 0);
    assert.deepEqual({ recorded: json.recorded, stoppedBy: json.stoppedBy }, { recorded: 0, stoppedBy: 'seconds' });
  });

  test('a trace without limits, or above the caps, is refused', async () => {
    for (const args of [socketArgs, urlArgs]) {
      const none = await diag([...args, 'trace', 'room:x']);
      assert.equal(none.code, 1);
      assert.match(none.err.join(''), /diag_invalid_arguments: A trace needs both limits: --max N \(up to 10000\) and --seconds S \(up to 300\)/);
      const noSeconds = await diag([...args, 'trace', 'room:x', '--max', '10']);
      assert.equal(noSeconds.code, 1);
      const tooLong = await diag([...args, 'trace', 'room:x', '--max', '10', '--seconds', '301']);
      assert.match(tooLong.err.join(''), /--seconds must be a whole number from 1 to 300/);
    }
    const http = await node.request('POST', '/api/ops/trace', { token: OPERATOR_TOKEN, body: { args: { target: 'room:x' } } });
    assert.equal(http.status, 400);
    assert.equal(http.body.code, 'diag_invalid_arguments');
  });

  test('heap-snapshot writes a snapshot and says how long the node paused; above the bound it is refused unless forced', async () => {
    const { code, json, err } = await diag([...socketArgs, 'heap-snapshot']);
    assert.equal(code, 0, err.join('\n'));
    assert.ok(json.path.startsWith(`${node.dataDir}/diag/heap-`));
    assert.ok(existsSync(json.path) && statSync(json.path).size === json.bytes && json.bytes > 1000);
    assert.match(json.warning, /did not answer for \d+ ms/);
    const dir = `${node.dataDir}/diag`;
    assert.throws(() => takeHeapSnapshot({ dir, nodeId: 'n', now: 0, force: false, maxBytes: 1024 }), (e: unknown) => e instanceof AppError && e.code === 'heap_too_large' && /Add --force/.test(e.message));
  });

  test('profile --seconds writes a CPU profile of that long', async () => {
    const { code, json } = await diag([...urlArgs, 'profile', '--seconds', '1']);
    assert.equal(code, 0);
    const profile = JSON.parse(readFileSync(json.path, 'utf8'));
    assert.ok(Array.isArray(profile.nodes) && profile.nodes.length > 0);
    assert.ok(profile.endTime - profile.startTime >= 900_000, 'about a second, in µs');
    const missing = await diag([...urlArgs, 'profile']);
    assert.match(missing.err.join(''), /--seconds is required/);
  });

  test('kick and conn of an unknown connection answer connection_not_found', async () => {
    for (const [command, arg] of [['kick', 'nobody'], ['conn', 'no-such-connection']]) {
      const { code, err } = await diag([...socketArgs, command!, arg!]);
      assert.equal(code, 1);
      assert.match(err.join(''), /connection_not_found/);
    }
  });

  test('usage errors, unknown commands and a wrong token', async () => {
    assert.equal((await diag(['frobnicate'])).code, 64);
    assert.equal((await diag(['stats', 'extra'])).code, 64);
    assert.equal((await diag(['trace', 'room:x', '--max'])).code, 64);
    const unknown = await node.request('POST', '/api/ops/frobnicate', { token: OPERATOR_TOKEN, body: {} });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'diag_unknown_command');
    assert.match(unknown.body.message, /the commands are stats, top, conn, trace/);
    const wrong = await diag(['--url', node.url, '--token', 'wrong', 'stats']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err.join(''), /operator_token_invalid/);
    const cluster = await diag([...socketArgs, '--cluster', 'kick', 'x']);
    assert.match(cluster.err.join(''), /--cluster works with stats, top, conn, nodes, jobs, outbox/);
  });

  test('the renraku binary finds the admin socket from RENRAKU_DATA_DIR', async () => {
    const { stdout } = await run(process.execPath, [...RENRAKU_FROM_SOURCES, 'diag', '--json', 'nodes'], { env: { ...process.env, RENRAKU_DATA_DIR: node.dataDir } });
    assert.equal(JSON.parse(stdout)[0].id, node.app.nodeId);
  });

  test('with no node running, diag says where it looked and exits 69', async () => {
    const { code, err } = await diag(['--socket', `${node.dataDir}/nothing.sock`, 'stats']);
    assert.equal(code, 69);
    assert.match(err.join(''), /no node is listening on .*nothing\.sock/);
  });
});
