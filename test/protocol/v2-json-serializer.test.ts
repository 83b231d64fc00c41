import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LIMITS } from '../../src/config/limits.ts';
import { ProtocolError } from '../../src/protocol/protocol-error.ts';
import { v2JsonSerializer } from '../../src/protocol/v2-json-serializer.ts';
import { phoenixDecode, phoenixEncode } from './phoenix-serializer.ts';

function decodeError(text: string): ProtocolError {
  try {
    v2JsonSerializer.decode(text);
  } catch (err) {
    assert.ok(err instanceof ProtocolError, `expected a ProtocolError, got ${String(err)}`);
    return err;
  }
  assert.fail(`decoded without error: ${text}`);
}

describe('v2JsonSerializer.decode', () => {
  test('reads a join frame as phoenix.js writes it', () => {
    const text = phoenixEncode({ join_ref: '4', ref: '5', topic: 'room:x', event: 'phx_join', payload: { last_seq: 3 } }) as string;
    assert.deepEqual(v2JsonSerializer.decode(text), { joinRef: '4', ref: '5', topic: 'room:x', event: 'phx_join', payload: { last_seq: 3 } });
  });

  test('accepts null refs (a heartbeat has no join_ref)', () => {
    assert.deepEqual(v2JsonSerializer.decode('[null,"7","phoenix","heartbeat",{}]'), { joinRef: null, ref: '7', topic: 'phoenix', event: 'heartbeat', payload: {} });
  });

  test('unreadable frames have no reply address', () => {
    for (const text of ['', 'not json', '{"a":1}', '[1,2,3]', '[null,"1","t","e",{},6]', '"x"', 'null']) {
      const err = decodeError(text);
      assert.equal(err.reason, 'invalid_frame', text);
      assert.equal(err.replyTo, undefined, text);
    }
  });

  test('wrong envelope types with a usable ref and topic can be answered', () => {
    const err = decodeError('[5,"9","room:x",42,{}]');
    assert.equal(err.reason, 'invalid_frame');
    assert.deepEqual(err.replyTo, { joinRef: null, ref: '9', topic: 'room:x' });
    assert.match(err.message, /join_ref must be/);
    assert.match(err.message, /event must be/);
  });

  test('names every limit it enforces', () => {
    const long = (n: number) => JSON.stringify('x'.repeat(n));
    assert.match(decodeError(`[null,"1",${long(LIMITS.maxTopicLength + 1)},"e",{}]`).message, /topic must be a string of 1 to 128/);
    assert.match(decodeError(`[null,"1","t",${long(LIMITS.maxEventLength + 1)},{}]`).message, /event must be/);
    assert.match(decodeError(`[null,${long(LIMITS.maxRefLength + 1)},"t","e",{}]`).message, /ref must be/);
    assert.match(decodeError('[null,"1","","e",{}]').message, /topic must be/);
    assert.equal(decodeError(`[null,${long(LIMITS.maxRefLength + 1)},"t","e",{}]`).replyTo, undefined);
  });

  test('a payload that is not an object is invalid_payload', () => {
    for (const payload of ['[]', '"x"', '1', 'null', 'true']) {
      const err = decodeError(`["1","2","room:x","msg:new",${payload}]`);
      assert.equal(err.reason, 'invalid_payload', payload);
      assert.deepEqual(err.replyTo, { joinRef: '1', ref: '2', topic: 'room:x' });
    }
  });

  test('"__proto__" in a payload stays a plain own key', () => {
    const frame = v2JsonSerializer.decode('[null,"1","t","e",{"__proto__":{"polluted":true}}]');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(Object.hasOwn(frame.payload, '__proto__'));
  });
});

describe('v2JsonSerializer encoders', () => {
  test('write exactly the Phoenix V2 shapes', () => {
    assert.equal(v2JsonSerializer.reply('4', '5', 'room:x', 'ok', { a: 1 }), '["4","5","room:x","phx_reply",{"status":"ok","response":{"a":1}}]');
    assert.equal(v2JsonSerializer.push('4', 'room:x', 'presence_state', {}), '["4",null,"room:x","presence_state",{}]');
    assert.equal(v2JsonSerializer.broadcast('room:x', 'msg', { b: 'ü😀' }), '[null,null,"room:x","msg",{"b":"ü😀"}]');
    assert.equal(v2JsonSerializer.close('4', 'room:x'), '["4","4","room:x","phx_close",{}]');
    assert.equal(v2JsonSerializer.encode({ joinRef: null, ref: '7', topic: 'phoenix', event: 'phx_reply', payload: {} }), '[null,"7","phoenix","phx_reply",{}]');
  });

  test('what phoenix.js decodes from our reply is what we meant', () => {
    const text = v2JsonSerializer.reply('4', '5', 'room:x', 'error', { reason: 'unmatched topic' });
    assert.deepEqual(phoenixDecode(text), { join_ref: '4', ref: '5', topic: 'room:x', event: 'phx_reply', payload: { status: 'error', response: { reason: 'unmatched topic' } } });
  });

  test('round trip', () => {
    const frame = { joinRef: '1', ref: '2', topic: 'room:01ABC', event: 'msg:new', payload: { body: 'مرحبا 🎉 \'; DROP TABLE x; --' } };
    assert.deepEqual(v2JsonSerializer.decode(v2JsonSerializer.encode(frame)), frame);
  });
});
