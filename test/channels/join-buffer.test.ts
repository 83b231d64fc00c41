import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChannelContext } from '../../src/channels/channel.ts';
import { JoinBuffer } from '../../src/channels/join-buffer.ts';
import type { EncodedFrame } from '../../src/protocol/frame.ts';
import { MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { PubSub } from '../../src/pubsub/pubsub.ts';

function context(topic: string, written: EncodedFrame[]): ChannelContext {
  return { userId: 'u', topic, joinRef: '1', push: () => {}, write: (frame) => written.push(frame) };
}

test('holds broadcasts until open, then drops messages the join reply covered, for good', () => {
  const pubsub = new PubSub({ bus: new MemoryBusHub().connect() });
  const written: EncodedFrame[] = [];
  const buffer = new JoinBuffer(pubsub, context('room:r', written));
  pubsub.broadcast('room:r', 'msg', { seq: 4 }, { seq: 4 });
  pubsub.broadcast('room:r', 'msg:edited', { id: 'x' });
  pubsub.broadcast('room:r', 'msg', { seq: 5 }, { seq: 5 });
  pubsub.broadcast('room:r', 'msg', { seq: 6 }, { seq: 6 });
  assert.deepEqual(written, [], 'nothing before the join reply');

  buffer.open(5); // the reply held messages up to seq 5
  assert.deepEqual(written, [
    '[null,null,"room:r","msg:edited",{"id":"x"}]',
    '[null,null,"room:r","msg",{"seq":6}]',
  ]);
  // The broadcast of a message the reply already held may come after the reply (another node, or a commit racing the join).
  pubsub.broadcast('room:r', 'msg', { seq: 5 }, { seq: 5 });
  pubsub.broadcast('room:r', 'msg', { seq: 7 }, { seq: 7 });
  assert.equal(written.length, 3);
  assert.equal(written[2], '[null,null,"room:r","msg",{"seq":7}]');

  buffer.close();
  pubsub.broadcast('room:r', 'msg', { seq: 8 }, { seq: 8 });
  assert.equal(written.length, 3, 'nothing after close');
  assert.equal(pubsub.subscriberCount('room:r'), 0);
});

test('without a cutoff everything held is written in arrival order', () => {
  const pubsub = new PubSub({ bus: new MemoryBusHub().connect() });
  const written: EncodedFrame[] = [];
  const buffer = new JoinBuffer(pubsub, context('user:u', written));
  pubsub.broadcast('user:u', 'unread', { n: 1 });
  pubsub.broadcast('user:u', 'unread', { n: 2 });
  buffer.open();
  pubsub.broadcast('user:u', 'unread', { n: 3 });
  assert.deepEqual(written.map((f) => JSON.parse(f as string)[4].n), [1, 2, 3]);
});

test('with a gap filler, seqs reach the client in order and without gaps: an overtaking message waits, a lost one is read', async () => {
  const pubsub = new PubSub({ bus: new MemoryBusHub().connect() });
  const written: EncodedFrame[] = [];
  const asked: Array<[number, number]> = [];
  let answer!: (messages: Array<{ frame: string; seq: number }>) => void;
  const fill = (after: number, upTo: number) => {
    asked.push([after, upTo]);
    return new Promise<Array<{ frame: string; seq: number }>>((resolve) => { answer = resolve; });
  };
  const buffer = new JoinBuffer(pubsub, context('room:r', written), fill);
  buffer.open(3);
  const msg = (seq: number) => pubsub.broadcast('room:r', 'msg', { seq }, { seq });
  const seqs = () => written.map((f) => JSON.parse(f as string)[4].seq);
  msg(5); // 4 is late (another node) or lost
  msg(6);
  pubsub.broadcast('room:r', 'typing', { user_id: 'x' }); // unordered events pass at once
  assert.deepEqual(seqs(), [undefined]);
  assert.deepEqual(asked, [[3, 4]]);
  msg(4); // it arrives before the read: written in order
  assert.deepEqual(seqs(), [undefined, 4, 5, 6]);
  answer([{ frame: '[null,null,"room:r","msg",{"seq":4}]', seq: 4 }]);
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(seqs(), [undefined, 4, 5, 6], 'the late read adds nothing twice');

  msg(9);
  assert.deepEqual(asked.at(-1), [6, 8]);
  answer([7, 8].map((seq) => ({ frame: `[null,null,"room:r","msg",{"seq":${seq}}]`, seq })));
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(seqs(), [undefined, 4, 5, 6, 7, 8, 9], 'lost messages are read from the store, in order');
  buffer.close();
});
