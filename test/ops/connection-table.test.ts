import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Timers } from '../../src/domain/clock.ts';
import { ConnectionTable } from '../../src/ops/connection-table.ts';
import type { Connection } from '../../src/transport/connection.ts';

function fakeConnection(id: string, closes: Array<[string, number, string]>): Connection & { buffered: number } {
  return {
    id, transport: 'websocket', buffered: 0,
    get bufferedAmount() {
      return this.buffered;
    },
    send: () => {},
    close: (code, reason) => void closes.push([id, code, reason]),
  };
}

test('the table counts frames both ways, reads buffered bytes live, forgets closed connections and kicks', () => {
  let now = 5_000;
  let tick: () => void = () => {};
  const timers: Timers = { setTimeout: () => 0, clearTimeout: () => {}, setInterval: (fn) => ((tick = fn), 1), clearInterval: () => {} };
  const table = new ConnectionTable({ clock: { now: () => now }, timers });
  table.start();
  const closes: Array<[string, number, string]> = [];
  const received: string[] = [];
  const accept = table.observe((connection) => ({
    receive: (data) => {
      received.push(String(data));
      connection.send(`echo ${String(data)}`);
    },
    closed: () => {},
  }));
  const a = fakeConnection('a', closes);
  const b = fakeConnection('b', closes);
  const ha = accept(a, 'u1');
  const hb = accept(b, 'u1');
  now = 7_000;
  tick();
  ha.receive('hello', false);
  a.buffered = 123;
  assert.deepEqual(received, ['hello']);
  const facts = table.get('a')!;
  assert.deepEqual({ ...facts }, { id: 'a', transport: 'websocket', userId: 'u1', openedAt: 5_000, lastInAt: 7_000, lastOutAt: 7_000, framesIn: 1, framesOut: 1, bytesIn: 5, bytesOut: 10, bufferedAmount: 123 });
  assert.equal(table.size, 2);

  assert.equal(table.kick('a', 'disconnected by an operator'), true);
  assert.deepEqual(closes, [['a', 1008, 'disconnected by an operator']]);
  ha.closed(1008, 'disconnected by an operator');
  assert.equal(table.get('a'), undefined);
  assert.equal(table.kick('a', 'again'), false);
  assert.equal(table.kickUser('u1', 'bye'), 1);
  hb.closed(1008, 'bye');
  assert.equal(table.kickUser('u1', 'bye'), 0);
  assert.deepEqual(table.totals(), { opened: 2, closed: 2, framesIn: 1, framesOut: 1, bytesIn: 5, bytesOut: 10 });
  table.stop();
});
