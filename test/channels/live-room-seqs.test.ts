import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChannelContext } from '../../src/channels/channel.ts';
import { JoinBuffer } from '../../src/channels/join-buffer.ts';
import { LiveRoomSeqs } from '../../src/channels/live-room-seqs.ts';
import type { EncodedFrame } from '../../src/protocol/frame.ts';
import { MemoryBusHub } from '../../src/pubsub/memory-bus.ts';
import { PubSub } from '../../src/pubsub/pubsub.ts';

function context(written: EncodedFrame[]): ChannelContext {
  return { userId: 'u', topic: 'room:r', joinRef: '1', push: () => {}, write: (frame) => written.push(frame) };
}

const seqsOf = (written: EncodedFrame[]) => written.map((f) => JSON.parse(f as string)[4].seq as number);

test('an open channel answers the room\'s last_seq; a joiner told it misses nothing and gets nothing twice', () => {
  const pubsub = new PubSub({ bus: new MemoryBusHub().connect() });
  const live = new LiveRoomSeqs();
  const msg = (seq: number) => pubsub.broadcast('room:r', 'msg', { seq }, { seq });
  const never = () => new Promise<never>(() => {});
  const witness = new JoinBuffer(pubsub, context([]), never);
  assert.equal(live.seqOf('r'), undefined, 'no witness: the store is read');
  live.offer('r', witness);
  assert.equal(live.seqOf('r'), undefined, 'a buffer not yet open cannot say');
  witness.open(5);
  msg(6);
  msg(7);
  assert.equal(live.seqOf('r'), 7);

  // A joiner subscribes, then asks: what is broadcast after it asked reaches it once.
  const written: EncodedFrame[] = [];
  const joiner = new JoinBuffer(pubsub, context(written), never);
  msg(8); // between subscribing and asking
  const lastSeq = live.seqOf('r');
  assert.equal(lastSeq, 8);
  msg(9); // between asking and the reply
  joiner.open(lastSeq);
  msg(10);
  assert.deepEqual(seqsOf(written), [9, 10]);

  live.offer('r', joiner);
  assert.equal(live.seqOf('r'), 10, 'the first witness stays');
  live.withdraw('r', joiner);
  assert.equal(live.seqOf('r'), 10, 'withdrawing another channel changes nothing');
  live.withdraw('r', witness);
  witness.close();
  assert.equal(live.seqOf('r'), undefined, 'the witness left: the store is read again');
});

test('a witness with a gap pending, a closed one, or one without a gap filler does not answer; clear drops all', () => {
  const pubsub = new PubSub({ bus: new MemoryBusHub().connect() });
  const live = new LiveRoomSeqs();
  const msg = (seq: number) => pubsub.broadcast('room:r', 'msg', { seq }, { seq });
  let answer!: (messages: Array<{ frame: string; seq: number }>) => void;
  const fill = () => new Promise<Array<{ frame: string; seq: number }>>((resolve) => { answer = resolve; });
  const witness = new JoinBuffer(pubsub, context([]), fill);
  witness.open(3);
  live.offer('r', witness);
  msg(5); // 4 is missing: 5 waits, a read is asked for
  assert.equal(live.seqOf('r'), undefined, 'a message is held ahead of a gap');
  answer([{ frame: '[null,null,"room:r","msg",{"seq":4}]', seq: 4 }]);
  return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
    assert.equal(live.seqOf('r'), 5, 'gap filled: it answers again');
    live.clear();
    assert.equal(live.seqOf('r'), undefined, 'after a bus outage no witness is trusted');

    const plain = new JoinBuffer(pubsub, context([]));
    plain.open(5);
    live.offer('r', plain);
    assert.equal(live.seqOf('r'), undefined, 'without a gap filler it does not track seqs');
    live.clear();
    live.offer('r', witness);
    witness.close();
    assert.equal(live.seqOf('r'), undefined, 'closed');
  });
});
