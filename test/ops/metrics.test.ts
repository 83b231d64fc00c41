import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { freePort } from '../support/free-port.ts';
import { connect, join, push } from '../support/phoenix-helpers.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestServer } from '../support/test-server.ts';
import { OPERATOR_TOKEN, startOpsNode, type OpsNode } from './support/ops-node.ts';
import { waitUntil } from './support/wait-until.ts';

/** The value of one exact series line (`name{labels}`), or undefined when absent. */
function series(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('/metrics', () => {
  let node: OpsNode;
  let sink: SmtpSink;

  before(async () => {
    sink = await startSmtpSink();
    sink.onRcpt = (address) => (address.startsWith('nobody') ? { code: 550, message: '5.1.1 no such user' } : 'accept');
    node = await startOpsNode({ env: { RENRAKU_SMTP_RELAY_URL: sink.url } });
  });
  after(async () => {
    await node.stop();
    await sink.close();
  });

  const scrape = () => node.request('GET', '/metrics', { token: OPERATOR_TOKEN });

  test('refuses a missing, malformed or wrong operator token with declared codes, and logs it', async () => {
    const missing = await node.request('GET', '/metrics');
    assert.equal(missing.status, 401);
    assert.equal(missing.body.code, 'operator_token_required');
    const basic = await node.request('GET', '/metrics', { headers: { authorization: 'Basic b3A6b3A=' } });
    assert.equal(basic.status, 401);
    assert.equal(basic.body.code, 'operator_token_required');
    const wrong = await node.request('GET', '/metrics', { token: `${OPERATOR_TOKEN}x` });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.code, 'operator_token_invalid');
    const refusals = node.logs.filter((l) => l.msg === 'ops: operator request refused');
    assert.deepEqual(refusals.map((l) => l.code), ['operator_token_required', 'operator_token_required', 'operator_token_invalid']);
    assert.ok(!JSON.stringify(node.logs).includes(`${OPERATOR_TOKEN}x`), 'the token sent is never logged');
  });

  test('after real traffic: connections, channels, HTTP, jobs, mail, store, cluster and Node\'s own series', async () => {
    const owner = await node.signup('Metrics owner');
    const member = await node.signup('Metrics member');
    const group = await node.createGroup(owner);
    await node.addMember(owner, group.id, member);
    const room = await node.createRoom(owner, group.id);

    const socket = connect(node.wsUrl, member.socketToken, 'websocket');
    try {
      const channel = socket.channel(`room:${room.id}`, {});
      await join(channel);
      for (let i = 0; i < 3; i++) await push(channel, 'msg:new', { body: `hello ${i}`, client_id: `metrics-${i}` });

      let failures = 0;
      node.app.scheduler.register('ops-metrics-ok', async () => {});
      node.app.scheduler.register('ops-metrics-flaky', async () => {
        failures += 1;
        throw new Error('first attempt fails');
      });
      await node.app.scheduler.schedule('ops-metrics-ok', 'k1', Date.now());
      await node.app.scheduler.schedule('ops-metrics-flaky', 'k1', Date.now());
      await node.app.scheduler.tick();
      assert.equal(failures, 1);

      const mail = (to: string) => ({ message_key: 'ops:1', user_id: null, to, subject: 'Notice', text: 'hello' });
      await node.app.outbox.enqueue([mail('someone@example.org'), mail('nobody@example.org')]);
      await sink.waitForReceived(1);
      await waitUntil('both mails settled', async () => {
        const rows = await node.app.store.outbox.countByStatus();
        return rows.sent === 1 && rows.bounced === 1;
      });

      const res = await scrape();
      assert.equal(res.status, 200);
      const text = res.body as string;
      assert.equal(series(text, 'renraku_connections'), 1);
      assert.equal(series(text, 'renraku_channels'), node.app.realtime.stats().channels);
      assert.ok(series(text, 'renraku_channels')! >= 1);
      assert.equal(series(text, 'renraku_http_requests_total{method="POST",route="/api/login",status="200"}'), 2);
      assert.equal(series(text, 'renraku_http_requests_total{method="GET",route="/metrics",status="401"}'), 2);
      assert.equal(series(text, 'renraku_job_runs_total{job="ops-metrics-ok",outcome="done"}'), 1);
      assert.equal(series(text, 'renraku_job_runs_total{job="ops-metrics-flaky",outcome="retry"}'), 1);
      assert.equal(series(text, 'renraku_job_duration_seconds_count{job="ops-metrics-ok"}'), 1);
      assert.equal(series(text, 'renraku_mail_sends_total{result="sent"}'), 1);
      assert.equal(series(text, 'renraku_mail_sends_total{result="bounced"}'), 1);
      assert.equal(series(text, 'renraku_outbox_rows{status="sent"}'), 1);
      assert.equal(series(text, 'renraku_outbox_rows{status="bounced"}'), 1);
      assert.equal(series(text, 'renraku_store_up'), 1);
      assert.ok(series(text, 'renraku_store_ping_seconds')! >= 0);
      assert.equal(series(text, 'renraku_cluster_nodes'), 1);
      assert.equal(series(text, `renraku_node_info{node="${node.app.nodeId}",version="${process.version}"}`), 1);
      const utilization = series(text, 'renraku_event_loop_utilization')!;
      assert.ok(utilization >= 0 && utilization <= 1, String(utilization));
      for (const type of ['renraku_nodejs_eventloop_lag_p99_seconds gauge', 'renraku_nodejs_heap_size_used_bytes gauge', 'renraku_nodejs_gc_duration_seconds histogram', 'renraku_process_start_time_seconds gauge', 'renraku_fanout_duration_seconds histogram', 'renraku_rate_limited_total counter']) {
        assert.ok(text.includes(`# TYPE ${type}`), type);
      }
      assert.ok(series(text, 'renraku_nodejs_heap_size_used_bytes')! > 0);
      assert.match(res.body as string, /^# HELP /);
    } finally {
      socket.disconnect();
    }
  });
});

test('without RENRAKU_OPERATOR_TOKEN, /metrics and /api/ops are off', async () => {
  const server = await startTestServer();
  try {
    for (const [method, path] of [['GET', '/metrics'], ['POST', '/api/ops/stats']] as const) {
      const res = await server.request(method, path, { token: 'anything', body: method === 'POST' ? {} : undefined });
      assert.equal(res.status, 404, path);
      assert.equal(res.body.code, 'operations_disabled', path);
    }
  } finally {
    await server.stop();
  }
});

describe('/metrics from the hot path: joins, leaves, fan-out, recovery, rate limits, bus and SMTP', () => {
  let node: OpsNode;

  before(async () => {
    // A burst of 3 messages per socket, so the fourth push in a row is refused by the rate limit.
    node = await startOpsNode({ env: { RENRAKU_SMTP_PORT: String(await freePort()), RENRAKU_MESSAGE_BURST: '3', RENRAKU_MESSAGE_RATE: '1' } });
  });
  after(async () => {
    await node.stop();
  });

  test('each series moves with the traffic that feeds it', async () => {
    const owner = await node.signup('Hot owner');
    const outsider = await node.signup('Hot outsider');
    const group = await node.createGroup(owner);
    const room = await node.createRoom(owner, group.id);

    const socket = connect(node.wsUrl, owner.socketToken, 'websocket');
    const stranger = connect(node.wsUrl, outsider.socketToken, 'websocket');
    try {
      const channel = socket.channel(`room:${room.id}`, {});
      await join(channel);
      for (let i = 0; i < 3; i++) await push(channel, 'msg:new', { body: `hot ${i}`, client_id: `hot-${i}` });
      await assert.rejects(push(channel, 'msg:new', { body: 'one too many', client_id: 'hot-x' }), /rate_limited/);
      await new Promise<void>((resolve) => channel.leave().receive('ok', () => resolve()));
      // Rejoining with last_seq 1 recovers the two messages after it.
      const again = socket.channel(`room:${room.id}`, { last_seq: 1 });
      const rejoined = await join(again);
      assert.equal(rejoined.messages.length, 2);
      await assert.rejects(join(stranger.channel(`room:${room.id}`, {})), /not_member/);

      const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: node.app.smtp!.port, secure: false, ignoreTLS: true });
      await assert.rejects(mailer.sendMail({ from: 'someone@example.org', to: 'nobody@elsewhere.example', subject: 'relay?', text: 'no' }), /550/);
      mailer.close();

      const text = (await node.request('GET', '/metrics', { token: OPERATOR_TOKEN })).body as string;
      assert.equal(series(text, 'renraku_channel_joins_total{outcome="ok"}'), 2);
      assert.equal(series(text, 'renraku_channel_joins_total{outcome="error"}'), 1);
      assert.equal(series(text, 'renraku_channel_leaves_total'), 1);
      assert.equal(series(text, 'renraku_rate_limited_total{kind="message"}'), 1);
      assert.equal(series(text, 'renraku_recovery_messages_count'), 1);
      assert.equal(series(text, 'renraku_recovery_messages_sum'), 2);
      assert.ok(series(text, 'renraku_fanout_recipients_total')! >= 3, 'three messages reached the one subscriber');
      assert.ok(series(text, 'renraku_fanout_duration_seconds_count')! >= 3);
      assert.ok(series(text, 'renraku_bus_publish_seconds_count')! >= 3, 'every broadcast is published on the bus');
      assert.equal(series(text, 'renraku_smtp_sessions_total'), 1);
      assert.ok(series(text, 'renraku_store_query_seconds_count{outcome="ok"}')! > 10, 'sign-ups, the group, the room and the joins all queried the store');
      assert.equal(series(text, 'renraku_smtp_rejections_total{reason="550"}'), 1);
    } finally {
      socket.disconnect();
      stranger.disconnect();
    }
  });
});
