import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { binarySerializer } from '../../src/protocol/binary-serializer.ts';
import { ProtocolError } from '../../src/protocol/protocol-error.ts';
import { phoenixDecode, phoenixEncode } from './phoenix-serializer.ts';

function arrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length) as ArrayBuffer;
}

describe('binarySerializer', () => {
  test('decodes a push exactly as phoenix.js encodes it', () => {
    const data = new Uint8Array([0, 1, 2, 255]).buffer;
    const encoded = phoenixEncode({ join_ref: '12', ref: '13', topic: 'room:é', event: 'file', payload: data }) as ArrayBuffer;
    const frame = binarySerializer.decodePush(Buffer.from(encoded));
    assert.deepEqual({ ...frame, payload: [...frame.payload] }, { joinRef: '12', ref: '13', topic: 'room:é', event: 'file', payload: [0, 1, 2, 255] });
  });

  test('encodes push, reply and broadcast so that phoenix.js reads them back', () => {
    const data = Buffer.from([9, 8, 7]);
    const push = phoenixDecode(arrayBuffer(binarySerializer.encodePush('3', 'room:x', 'blob', data)));
    assert.deepEqual({ ...push, payload: [...new Uint8Array(push.payload as ArrayBuffer)] }, { join_ref: '3', ref: null, topic: 'room:x', event: 'blob', payload: [9, 8, 7] });

    const reply = phoenixDecode(arrayBuffer(binarySerializer.encodeReply('3', '4', 'room:x', 'ok', data)));
    const replyPayload = reply.payload as { status: string; response: ArrayBuffer };
    assert.deepEqual([reply.join_ref, reply.ref, reply.topic, reply.event, replyPayload.status], ['3', '4', 'room:x', 'phx_reply', 'ok']);
    assert.deepEqual([...new Uint8Array(replyPayload.response)], [9, 8, 7]);

    const broadcast = phoenixDecode(arrayBuffer(binarySerializer.encodeBroadcast('room:x', 'blob', data)));
    assert.deepEqual([broadcast.join_ref, broadcast.ref, broadcast.topic, broadcast.event], [null, null, 'room:x', 'blob']);
    assert.deepEqual([...new Uint8Array(broadcast.payload as ArrayBuffer)], [9, 8, 7]);
  });

  test('refuses malformed frames with a ProtocolError', () => {
    const cases: Array<[string, Buffer]> = [
      ['empty', Buffer.alloc(0)],
      ['wrong kind', Buffer.from([2, 1, 1, 1, 1, 65, 65, 65, 65])],
      ['lengths past the end', Buffer.from([0, 10, 1, 1, 1, 65])],
      ['invalid UTF-8', Buffer.from([0, 1, 1, 1, 1, 0xff, 65, 65, 65])],
      ['empty topic', Buffer.from([0, 1, 1, 0, 1, 65, 65, 65])],
    ];
    for (const [name, buf] of cases) assert.throws(() => binarySerializer.decodePush(buf), ProtocolError, name);
  });

  test('an empty ref field decodes as null; the payload is a view, not a copy', () => {
    const buf = Buffer.from([0, 0, 1, 1, 1, 0x37, 0x74, 0x65, 1, 2]);
    const frame = binarySerializer.decodePush(buf);
    assert.equal(frame.joinRef, null);
    assert.equal(frame.ref, '7');
    assert.equal(frame.payload.buffer, buf.buffer);
  });

  test('fields over 255 bytes fail loudly on encode', () => {
    assert.throws(() => binarySerializer.encodeBroadcast('t'.repeat(256), 'e', Buffer.alloc(0)), /256 bytes; at most 255/);
  });
});
