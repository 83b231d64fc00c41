import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { encodeZabbixFrame, notSupported, readZabbixFrame, senderRequest, type SenderItem } from '../../src/ops/zabbix-frame.ts';
import { parseItemKey } from '../../src/ops/zabbix-items.ts';
import { ZabbixSender } from '../../src/ops/zabbix-sender.ts';
import { systemTimers } from '../../src/domain/clock.ts';
import { freePort } from '../support/free-port.ts';
import { connect, join as joinChannel } from '../support/phoenix-helpers.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { startCaptureListener } from './support/capture-listener.ts';
import { zabbixTools } from './support/zabbix-tools.ts';

const run = promisify(execFile);
const tools = zabbixTools('Zabbix protocol tests against zabbix_sender and zabbix_get');

/** zabbix_sender's input file: `<host> <key> <clock> <value>`, every field quoted. */
function senderInput(items: SenderItem[]): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return items.map((i) => `${q(i.host)} ${q(i.key)} ${i.clock} ${q(i.value)}\n`).join('');
}

describe('Zabbix framing (pure)', () => {
  test('a frame is ZBXD, 0x01, the length in 8 bytes little-endian, then the data', () => {
    const frame = encodeZabbixFrame('renraku.connections');
    assert.equal(frame.subarray(0, 5).toString('latin1'), 'ZBXD\u0001');
    assert.equal(frame.readBigUInt64LE(5), 19n);
    assert.equal(frame.subarray(13).toString(), 'renraku.connections');
    assert.deepEqual(readZabbixFrame(frame, 100)?.data.toString(), 'renraku.connections');
    assert.equal(readZabbixFrame(frame.subarray(0, 20), 100), undefined, 'incomplete');
    assert.throws(() => readZabbixFrame(frame, 5), /over the 5-byte limit/);
    assert.throws(() => readZabbixFrame(Buffer.from('HTTP/1.1 200'), 100), /no ZBXD header/);
  });

  test('item keys with and without a parameter', () => {
    assert.deepEqual(parseItemKey('renraku.outbox[queued]'), { name: 'renraku.outbox', param: 'queued' });
    assert.deepEqual(parseItemKey('renraku.outbox["failed"]'), { name: 'renraku.outbox', param: 'failed' });
    assert.deepEqual(parseItemKey('renraku.connections'), { name: 'renraku.connections', param: undefined });
    assert.equal(parseItemKey('bad key!'), undefined);
  });
});

describe('Zabbix push and passive agent against Zabbix\'s own programs', { skip: tools.skip }, () => {
  let server: TestServer;
  let agentPort: number;
  let dir: string;

  before(async () => {
    agentPort = await freePort();
    server = await startTestServer({ env: { RENRAKU_ZABBIX_AGENT_PORT: String(agentPort), RENRAKU_ZABBIX_HOST: 'renraku-test-node' } });
    dir = mkdtempSync(join(tmpdir(), 'renraku-zabbix-'));
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('our sender frame is byte for byte what zabbix_sender sends for the same values', async () => {
    const listener = await startCaptureListener();
    try {
      const sender = new ZabbixSender({ server: `127.0.0.1:${listener.port}`, host: 'renraku-test-node', items: server.app.ops.items, clock: { now: () => 1_700_000_000_123 }, timers: systemTimers, logger: pino({ level: 'silent' }) });
      const items = await sender.collect();
      assert.ok(items.some((i) => i.key === 'renraku.outbox[queued]'), 'parameterised keys are pushed');
      // A value with quotes, a backslash, a tab, non-ASCII and a slash: JSON escaping must match too.
      items.push({ host: 'renraku-test-node', key: 'renraku.note[a/b]', value: 'q"t é\\ tab\there', clock: 1_700_000_001 });
      const input = join(dir, 'values.txt');
      writeFileSync(input, senderInput(items));
      const captured = listener.next();
      const { stdout } = await run(tools.sender, ['-z', '127.0.0.1', '-p', String(listener.port), '-T', '-i', input]);
      assert.match(stdout, new RegExp(`sent: ${items.length}; skipped: 0`));
      const theirs = await captured;
      const body = JSON.parse(readZabbixFrame(theirs, 1 << 20)!.data.toString()) as { clock: number; ns: number };
      const ours = encodeZabbixFrame(senderRequest(items, { clock: body.clock, ns: body.ns }));
      assert.equal(ours.toString('hex'), theirs.toString('hex'));
    } finally {
      await listener.close();
    }
  });

  test('a push sends every key metric with the node\'s clock and reads the server\'s answer', async () => {
    const listener = await startCaptureListener();
    try {
      const now = 1_700_000_000_456;
      const sender = new ZabbixSender({ server: `127.0.0.1:${listener.port}`, host: 'renraku-test-node', items: server.app.ops.items, clock: { now: () => now }, timers: systemTimers, logger: pino({ level: 'silent' }) });
      const captured = listener.next();
      const result = await sender.push();
      const frame = await captured;
      const request = JSON.parse(readZabbixFrame(frame, 1 << 20)!.data.toString()) as { request: string; data: SenderItem[]; clock: number; ns: number };
      assert.equal(request.request, 'sender data');
      assert.deepEqual({ clock: request.clock, ns: request.ns }, { clock: 1_700_000_000, ns: 456_000_000 });
      const keys = request.data.map((d) => d.key);
      for (const key of ['renraku.connections', 'renraku.channels', 'renraku.uptime', 'renraku.memory.heap_used', 'renraku.outbox[queued]', 'renraku.cluster.nodes']) assert.ok(keys.includes(key), key);
      assert.ok(request.data.every((d) => d.host === 'renraku-test-node' && d.clock === 1_700_000_000 && typeof d.value === 'string'));
      assert.equal(frame.toString('hex'), encodeZabbixFrame(senderRequest(request.data, { clock: request.clock, ns: request.ns })).toString('hex'));
      assert.deepEqual({ response: result.response, processed: result.processed, failed: result.failed }, { response: 'success', processed: request.data.length, failed: 0 });
    } finally {
      await listener.close();
    }
  });

  test('zabbix_get reads renraku.* keys from the passive agent, live', async () => {
    const get = async (key: string) => (await run(tools.get, ['-s', '127.0.0.1', '-p', String(agentPort), '-k', key])).stdout.trimEnd();
    assert.equal(await get('agent.ping'), '1');
    assert.equal(await get('renraku.connections'), '0');
    const owner = await server.signup('Agent owner');
    const group = await server.createGroup(owner);
    const room = await server.createRoom(owner, group.id);
    const socket = connect(server.wsUrl, owner.socketToken, 'websocket');
    try {
      await joinChannel(socket.channel(`room:${room.id}`, {}));
      assert.equal(await get('renraku.connections'), '1');
      assert.equal(await get('renraku.channels'), String(server.app.realtime.stats().channels));
    } finally {
      socket.disconnect();
    }
    assert.equal(await get('renraku.outbox[queued]'), '0');
    assert.match(await get('renraku.memory.heap_used'), /^\d+$/);
    assert.match(await get('renraku.uptime'), /^\d+$/);
  });

  test('unknown keys and bad parameters answer ZBX_NOTSUPPORTED with the reason', async () => {
    const get = async (key: string) => (await run(tools.get, ['-s', '127.0.0.1', '-p', String(agentPort), '-k', key])).stdout.trimEnd();
    assert.match(await get('system.cpu.load'), /^ZBX_NOTSUPPORTED: Unsupported item key: system\.cpu\.load; this node answers agent\.ping, renraku\.uptime/);
    assert.match(await get('renraku.outbox[nonsense]'), /^ZBX_NOTSUPPORTED: renraku\.outbox needs one of queued, sending, sent, bounced, failed/);
    assert.deepEqual(notSupported('x'), Buffer.from('ZBX_NOTSUPPORTED\u0000x', 'latin1'));
  });
});
