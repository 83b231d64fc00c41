import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Bus, BusMessage } from '../../src/pubsub/bus.ts';

/** Several nodes on one backend: each `connect()` is a new node's bus. */
export interface BusCluster {
  connect(): Promise<Bus>;
  close(): Promise<void>;
}

/** What one node received, per topic, with a way to wait for more (bounded, no sleeping). */
class Inbox {
  readonly received: Array<{ topic: string; message: BusMessage }> = [];
  private waiters: Array<{ done: () => boolean; resolve: () => void }> = [];

  constructor(readonly bus: Bus) {}

  async subscribe(topic: string): Promise<void> {
    await this.bus.subscribe(topic, (message) => {
      this.received.push({ topic, message });
      this.waiters = this.waiters.filter((w) => (w.done() ? (w.resolve(), false) : true));
    });
  }

  frames(topic: string): Array<BusMessage['frame']> {
    return this.received.filter((r) => r.topic === topic).map((r) => r.message.frame);
  }

  /** Resolves once `count` messages arrived on `topic`; fails after 5 s. */
  waitFor(topic: string, count: number): Promise<void> {
    const done = () => this.frames(topic).length >= count;
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${count} on ${topic}; got ${this.frames(topic).length}`)), 5000);
      this.waiters.push({ done, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }
}

/**
 * The guarantees of src/pubsub/bus.ts, checked against one implementation. Every Bus runs this
 * (memory now, Redis later). Topics are unique per test, so a shared backend is fine. Absence
 * is checked with a sentinel published after the message that must not arrive: a bus delivers
 * one node's publishes in order, so once the sentinel is in, the other would be too.
 */
export function busContract(name: string, factory: () => Promise<BusCluster>): void {
  describe(`Bus contract: ${name}`, () => {
    let cluster: BusCluster;
    const topic = () => `contract:${randomUUID()}`;

    before(async () => {
      cluster = await factory();
    });
    after(async () => {
      await cluster.close();
    });

    async function nodes(n: number): Promise<Inbox[]> {
      const out: Inbox[] = [];
      for (let i = 0; i < n; i++) out.push(new Inbox(await cluster.connect()));
      return out;
    }

    async function closeAll(inboxes: Inbox[]): Promise<void> {
      for (const inbox of inboxes) await inbox.bus.close();
    }

    test('a publish reaches every other subscribed node, byte-identical, with its seq', async () => {
      const [a, b, c] = await nodes(3) as [Inbox, Inbox, Inbox];
      const t = topic();
      await b.subscribe(t);
      await c.subscribe(t);
      const frame = '[null,null,"room:x","msg",{"body":"héllo 😀 \\u0000"}]';
      await a.bus.publish(t, { frame, seq: 42 });
      await Promise.all([b.waitFor(t, 1), c.waitFor(t, 1)]);
      for (const inbox of [b, c]) {
        assert.equal(inbox.received[0]!.message.frame, frame);
        assert.equal(inbox.received[0]!.message.seq, 42);
      }
      await closeAll([a, b, c]);
    });

    test('a Buffer frame arrives as a Buffer with the same bytes; no seq stays no seq', async () => {
      const [a, b] = await nodes(2) as [Inbox, Inbox];
      const t = topic();
      await b.subscribe(t);
      const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 13]);
      await a.bus.publish(t, { frame: bytes });
      await b.waitFor(t, 1);
      const got = b.received[0]!.message;
      assert.ok(Buffer.isBuffer(got.frame));
      assert.deepEqual([...got.frame as Buffer], [...bytes]);
      assert.equal(got.seq, undefined);
      await closeAll([a, b]);
    });

    test('the publishing node never receives its own publish', async () => {
      const [a, b] = await nodes(2) as [Inbox, Inbox];
      const t = topic();
      await a.subscribe(t);
      await b.subscribe(t);
      await a.bus.publish(t, { frame: 'from-a' });
      await b.bus.publish(t, { frame: 'from-b' });
      await Promise.all([a.waitFor(t, 1), b.waitFor(t, 1)]);
      assert.deepEqual(a.frames(t), ['from-b']);
      assert.deepEqual(b.frames(t), ['from-a']);
      await closeAll([a, b]);
    });

    test('one node\'s publishes arrive in order, across topics', async () => {
      const [a, b] = await nodes(2) as [Inbox, Inbox];
      const t1 = topic();
      const t2 = topic();
      await b.subscribe(t1);
      await b.subscribe(t2);
      const sent: string[] = [];
      for (let i = 0; i < 200; i++) {
        const frame = `m${i}`;
        sent.push(frame);
        void a.bus.publish(i % 2 === 0 ? t1 : t2, { frame });
      }
      await Promise.all([b.waitFor(t1, 100), b.waitFor(t2, 100)]);
      assert.deepEqual(b.received.map((r) => r.message.frame), sent);
      await closeAll([a, b]);
    });

    test('a topic not subscribed, or unsubscribed, delivers nothing; resubscribing works', async () => {
      const [a, b] = await nodes(2) as [Inbox, Inbox];
      const quiet = topic();
      const gone = topic();
      const sentinel = topic();
      await b.subscribe(gone);
      await b.subscribe(sentinel);
      await b.bus.unsubscribe(gone);
      await a.bus.publish(quiet, { frame: 'never' });
      await a.bus.publish(gone, { frame: 'never' });
      await a.bus.publish(sentinel, { frame: 'after' });
      await b.waitFor(sentinel, 1);
      assert.deepEqual(b.received.map((r) => r.message.frame), ['after']);

      await b.subscribe(gone);
      await a.bus.publish(gone, { frame: 'back' });
      await b.waitFor(gone, 1);
      assert.deepEqual(b.frames(gone), ['back']);
      await closeAll([a, b]);
    });

    test('subscribing a topic twice fails loudly', async () => {
      const [a] = await nodes(1) as [Inbox];
      const t = topic();
      await a.subscribe(t);
      await assert.rejects(a.bus.subscribe(t, () => {}), /already subscribed/);
      await closeAll([a]);
    });

    test('after close nothing is delivered and publish/subscribe reject', async () => {
      const [a, b, c] = await nodes(3) as [Inbox, Inbox, Inbox];
      const t = topic();
      await b.subscribe(t);
      await c.subscribe(t);
      await b.bus.close();
      await a.bus.publish(t, { frame: 'x' });
      await c.waitFor(t, 1);
      assert.deepEqual(b.frames(t), []);
      await assert.rejects(b.bus.publish(t, { frame: 'y' }));
      await assert.rejects(b.bus.subscribe(topic(), () => {}));
      await closeAll([a, c]);
    });
  });
}
