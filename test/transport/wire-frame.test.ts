import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as wsModule from 'ws';
import { WireFrames } from '../../src/transport/wire-frame.ts';

/** ws's own framing (what `ws.send` writes), as the reference. */
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;
function reference(payload: Buffer, opcode: number): Buffer {
  return Buffer.concat(Sender.frame(payload, { fin: true, rsv1: false, opcode, mask: false, readOnly: false }));
}

describe('WireFrames', () => {
  test('text frames are byte-identical to ws framing at every length class (7-bit, 16-bit, 64-bit lengths)', () => {
    const frames = new WireFrames();
    for (const length of [0, 1, 125, 126, 127, 65_535, 65_536, 70_001]) {
      const text = 'x'.repeat(length);
      assert.deepEqual(frames.bytes(text), reference(Buffer.from(text), 1), `length ${length}`);
    }
  });

  test('multi-byte UTF-8 is framed by its byte length, not its string length', () => {
    const text = '連絡'.repeat(30) + '😀';
    const bytes = new WireFrames().bytes(text);
    assert.deepEqual(bytes, reference(Buffer.from(text, 'utf8'), 1));
    assert.equal(bytes[1], 126);
    assert.equal(bytes.readUInt16BE(2), Buffer.byteLength(text));
  });

  test('binary frames use opcode 2', () => {
    const payload = Buffer.from([0, 1, 2, 255]);
    assert.deepEqual(new WireFrames().bytes(payload), reference(payload, 2));
  });

  test('the same frame twice in a row is framed once; another frame replaces it', () => {
    const frames = new WireFrames();
    const broadcast = JSON.stringify([null, null, 'room:1', 'msg', { body: 'hi' }]);
    const first = frames.bytes(broadcast);
    assert.equal(frames.bytes(broadcast), first, 'same Buffer instance for the same frame');
    const other = frames.bytes('["1",null,"room:1","presence_state",{}]');
    assert.notEqual(other, first);
    assert.equal(other.subarray(2).toString(), '["1",null,"room:1","presence_state",{}]');
  });
});
