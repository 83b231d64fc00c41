/**
 * The lean load client's framing (bench/load/lean-frames.ts): server frames read from chunks of
 * any size, client frames masked as RFC 6455 requires — checked against the `ws` package's own
 * Receiver, which is what servers use to read them.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { test } from 'node:test';
import { clientFrame, FrameReader, OPCODE } from '../../bench/load/lean-frames.ts';

/** `ws`'s frame parser (exported by the package, absent from its type declarations). */
const { Receiver } = createRequire(import.meta.url)('ws') as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => Writable };

/** An unmasked server frame. */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0, len]) : len < 65_536 ? Buffer.from([0, 126, len >> 8, len & 0xff]) : Buffer.alloc(10);
  if (len >= 65_536) {
    head[1] = 127;
    head.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    head.writeUInt32BE(len >>> 0, 6);
  }
  head[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([head, payload]);
}

function collect(): { reader: FrameReader; messages: string[]; controls: [number, string][] } {
  const messages: string[] = [];
  const controls: [number, string][] = [];
  const reader = new FrameReader({ message: (p) => messages.push(p.toString()), control: (op, p) => controls.push([op, p.toString('hex')]) }, 1 << 20);
  return { reader, messages, controls };
}

test('frames of every length form are read whole, however the bytes are split, from a reused buffer', () => {
  const payloads = ['a', 'x'.repeat(125), 'y'.repeat(126), 'z'.repeat(70_000), 'あいう'];
  const stream = Buffer.concat(payloads.map((p) => serverFrame(OPCODE.text, Buffer.from(p))));
  for (const size of [1, 2, 3, 7, 1000, stream.length]) {
    const { reader, messages } = collect();
    const shared = Buffer.alloc(size);
    for (let at = 0; at < stream.length; at += size) {
      const n = stream.copy(shared, 0, at, at + size);
      reader.push(shared.subarray(0, n));
      shared.fill(0xee); // the caller reuses its buffer: nothing may still point into it
    }
    assert.deepEqual(messages, payloads, `chunks of ${size}`);
  }
});

test('fragments are joined, control frames come between them', () => {
  const { reader, messages, controls } = collect();
  reader.push(Buffer.concat([
    serverFrame(OPCODE.text, Buffer.from('hel'), false),
    serverFrame(OPCODE.ping, Buffer.from([1, 2])),
    serverFrame(OPCODE.continuation, Buffer.from('lo'), false),
    serverFrame(OPCODE.continuation, Buffer.from('!'), true),
    serverFrame(OPCODE.close, Buffer.from([0x03, 0xe8])),
  ]));
  assert.deepEqual(messages, ['hello!']);
  assert.deepEqual(controls, [[OPCODE.ping, '0102'], [OPCODE.close, '03e8']]);
});

test('what a server must not send is refused', () => {
  assert.throws(() => collect().reader.push(Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0])), /masked/);
  assert.throws(() => collect().reader.push(serverFrame(OPCODE.continuation, Buffer.from('x'))), /continuation/);
  assert.throws(() => collect().reader.push(serverFrame(OPCODE.ping, Buffer.from('x'), false)), /fragmented control/);
  assert.throws(() => collect().reader.push(serverFrame(0x3, Buffer.from('x'))), /opcode 3/);
  const small = new FrameReader({ message: () => {}, control: () => {} }, 10);
  assert.throws(() => small.push(serverFrame(OPCODE.text, Buffer.alloc(11))), /exceeds 10/);
});

test('client frames are masked and read back by the ws Receiver a server uses', async () => {
  const texts = ['', 'hi', 'x'.repeat(200), 'é'.repeat(40_000), '["1","1","room:a","phx_join",{}]'];
  const receiver = new Receiver({ isServer: true, maxPayload: 1 << 20 });
  const got: string[] = [];
  receiver.on('message', (data: Buffer) => got.push(data.toString()));
  const done = new Promise<void>((resolve, reject) => {
    receiver.on('error', reject);
    receiver.on('ping', (data: Buffer) => {
      assert.equal(data.toString('hex'), 'abcd');
      resolve();
    });
  });
  for (const text of texts) {
    const frame = clientFrame(OPCODE.text, text);
    assert.equal(frame[1]! & 0x80, 0x80, 'mask bit set');
    receiver.write(frame);
  }
  receiver.write(clientFrame(OPCODE.ping, Buffer.from([0xab, 0xcd])));
  await done;
  assert.deepEqual(got, texts);
});
