import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KeyValueStore } from '../../../web/src/lib/key-value-store.ts';
import { Outbox, type OutboxItem } from '../../../web/src/talk/outbox.ts';

function memory(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}
const item = (client_id: string, room_id = 'r1'): OutboxItem => ({ client_id, room_id, body: `b-${client_id}`, reply_to: null, created_at: 1 });

describe('Outbox', () => {
  test('what is added survives a new page (the device keeps it) until removed', () => {
    const store = memory();
    const a = new Outbox(store, 'k');
    a.add(item('c1'));
    a.add(item('c2', 'r2'));
    const b = new Outbox(store, 'k');
    assert.deepEqual(b.items.get().map((i) => i.client_id), ['c1', 'c2']);
    assert.deepEqual(b.forRoom('r2').map((i) => i.client_id), ['c2']);
    b.remove('c1');
    assert.deepEqual(new Outbox(store, 'k').items.get().map((i) => i.client_id), ['c2']);
  });

  test('one client_id is held once; a refusal is kept until retried', () => {
    const o = new Outbox(memory(), 'k');
    o.add(item('c1'));
    o.add({ ...item('c1'), body: 'again' });
    assert.deepEqual(o.items.get().map((i) => i.body), ['again']);
    o.fail('c1', 'body_too_long');
    assert.equal(o.items.get()[0]!.error, 'body_too_long');
    o.retry('c1');
    assert.equal('error' in o.items.get()[0]!, false);
  });

  test('two tabs do not undo each other: every change starts from what is stored', () => {
    const store = memory();
    const tab1 = new Outbox(store, 'k');
    const tab2 = new Outbox(store, 'k');
    tab1.add(item('c1'));
    tab2.add(item('c2'));
    assert.deepEqual(new Outbox(store, 'k').items.get().map((i) => i.client_id), ['c1', 'c2']);
  });

  test('unreadable or refused storage: memory is the truth, nothing is lost in the page', () => {
    const store = memory();
    store.map.set('k', '{not json');
    assert.deepEqual(new Outbox(store, 'k').items.get(), []);
    const refusing: KeyValueStore = { getItem: () => null, setItem: () => { throw new Error('quota'); }, removeItem: () => undefined };
    const o = new Outbox(refusing, 'k');
    o.add(item('c1'));
    o.add(item('c2'));
    assert.deepEqual(o.items.get().map((i) => i.client_id), ['c1', 'c2']);
  });
});
