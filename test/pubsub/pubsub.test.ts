import assert from 'node:assert/strict';
import { describe, mock, test } from 'node:test';
import { v2JsonSerializer } from '../../src/protocol/v2-json-serializer.ts';
import type { Bus, BusMessage } from '../../src/pubsub/bus.ts';
import { MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { PubSub } from '../../src/pubsub/pubsub.ts';

/** Resolves with the first message a new subscriber of `topic` gets. */
function next(pubsub: PubSub, topic: string): Promise<BusMessage> {
  return new Promise((resolve) => {
    const sub = pubsub.subscribe(topic, (message) => {
      sub.unsubscribe();
      resolve(message);
    });
  });
}

describe('PubSub', () => {
  test('a broadcast is encoded once and the same message reaches every local subscriber', () => {
    const pubsub = new PubSub({ bus: new MemoryBusHub().connect() });
    const encode = mock.method(v2JsonSerializer, 'broadcast');
    try {
      const got: BusMessage[] = [];
      for (let i = 0; i < 1000; i++) pubsub.subscribe('room:a', (m) => got.push(m));
      pubsub.broadcast('room:a', 'msg', { body: 'hi' }, { seq: 7 });
      assert.equal(encode.mock.callCount(), 1);
      assert.equal(got.length, 1000);
      assert.ok(got.every((m) => m === got[0]), 'one message object (so one string instance) for all');
      assert.equal(got[0]!.frame, '[null,null,"room:a","msg",{"body":"hi"}]');
      assert.equal(got[0]!.seq, 7);
    } finally {
      encode.mock.restore();
    }
  });

  test('delivery is synchronous and a throwing subscriber does not stop the others', () => {
    const pubsub = new PubSub({ bus: new MemoryBusHub().connect() });
    const got: string[] = [];
    pubsub.subscribe('t:1', () => { throw new Error('boom'); });
    pubsub.subscribe('t:1', (m) => got.push(m.frame as string));
    pubsub.broadcast('t:1', 'e', {});
    assert.equal(got.length, 1);
  });

  test('broadcastFrom skips its sender, locally and nowhere else', async () => {
    const hub = new MemoryBusHub();
    const a = new PubSub({ bus: hub.connect() });
    const b = new PubSub({ bus: hub.connect() });
    const got: string[] = [];
    const sender = a.subscribe('room:t', () => got.push('sender'));
    a.subscribe('room:t', () => got.push('local'));
    const remote = next(b, 'room:t');
    await b.subscribe('room:t', () => {}).ready;
    a.broadcastFrom(sender, 'room:t', 'typing', { user_id: 'u' });
    assert.deepEqual(got, ['local']);
    assert.equal((await remote).frame, '[null,null,"room:t","typing",{"user_id":"u"}]');
  });

  test('a second node over the same hub receives broadcasts with their seq; localBroadcast stays local', async () => {
    const hub = new MemoryBusHub();
    const a = new PubSub({ bus: hub.connect() });
    const b = new PubSub({ bus: hub.connect() });
    const remote: BusMessage[] = [];
    const sub = b.subscribe('room:r', (m) => remote.push(m));
    await sub.ready;
    a.localBroadcast('room:r', 'msg', { n: 0 });
    a.broadcast('room:r', 'msg', { n: 1 }, { seq: 1 });
    const arrived = next(b, 'room:r');
    a.broadcast('room:r', 'msg', { n: 2 }, { seq: 2 });
    await arrived;
    assert.deepEqual(remote.map((m) => [m.frame, m.seq]), [
      ['[null,null,"room:r","msg",{"n":1}]', 1],
      ['[null,null,"room:r","msg",{"n":2}]', 2],
    ]);
  });

  test('the bus subscription is held while the topic has local subscribers', async () => {
    const calls: string[] = [];
    const inner = new MemoryBusHub().connect();
    const bus: Bus = {
      publish: (t, m) => inner.publish(t, m),
      subscribe: (t, h) => (calls.push(`sub ${t}`), inner.subscribe(t, h)),
      unsubscribe: (t) => (calls.push(`unsub ${t}`), inner.unsubscribe(t)),
      close: () => inner.close(),
    };
    const pubsub = new PubSub({ bus });
    const s1 = pubsub.subscribe('room:x', () => {});
    const s2 = pubsub.subscribe('room:x', () => {});
    assert.equal(pubsub.subscriberCount('room:x'), 2);
    s1.unsubscribe();
    s1.unsubscribe();
    assert.equal(pubsub.subscriberCount('room:x'), 1);
    s2.unsubscribe();
    pubsub.subscribe('room:x', () => {});
    assert.deepEqual(calls.filter((c) => c.endsWith('room:x')), ['sub room:x', 'unsub room:x', 'sub room:x']);
  });

  test('revokeGroupAccess reaches the listeners of every node', async () => {
    const hub = new MemoryBusHub();
    const a = new PubSub({ bus: hub.connect() });
    const b = new PubSub({ bus: hub.connect() });
    await Promise.all([a.ready, b.ready]);
    const onA: string[] = [];
    a.onRevoke((u, g) => onA.push(`${u}/${g}`));
    const onB = new Promise<string>((resolve) => b.onRevoke((u, g) => resolve(`${u}/${g}`)));
    a.revokeGroupAccess('U1', 'G1');
    assert.deepEqual(onA, ['U1/G1'], 'the local node is told synchronously');
    assert.equal(await onB, 'U1/G1');
  });

  test('a removed revocation listener is not called', () => {
    const pubsub = new PubSub({ bus: new MemoryBusHub().connect() });
    const got: string[] = [];
    const off = pubsub.onRevoke((u) => got.push(u));
    off();
    pubsub.revokeGroupAccess('U', 'G');
    assert.deepEqual(got, []);
  });
});
