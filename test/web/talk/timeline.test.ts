import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Message } from '../../../web/src/api/types.ts';
import { Timeline } from '../../../web/src/talk/timeline.ts';

const msg = (seq: number, body = `m${seq}`): Message => ({
  id: `id${seq}`, seq, room_id: 'r', author_id: 'a', body, reply_to: null, mentions: [], client_id: null, at: seq, edited_at: null, deleted: false,
});
const seqs = (t: Timeline) => t.messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));

describe('Timeline', () => {
  test('reset holds the newest page; an empty room keeps its last_seq', () => {
    const t = new Timeline();
    assert.equal(t.isLoaded, false);
    t.reset([msg(3), msg(2)]);
    assert.deepEqual(seqs(t), [2, 3]);
    assert.deepEqual([t.firstSeq, t.lastSeq, t.hasOlder, t.isLoaded], [2, 3, true, true]);
    const empty = new Timeline();
    empty.reset([], 0);
    assert.deepEqual([empty.lastSeq, empty.hasOlder], [0, false]);
  });

  test('append adds each seq once, in order, whatever order and repeats arrive in', () => {
    const t = new Timeline();
    t.reset(range(1, 3));
    const r = t.append([msg(5), msg(4), msg(3), msg(4)]);
    assert.deepEqual(r.added.map((m) => m.seq), [4, 5]);
    assert.equal(r.gap, false);
    assert.deepEqual(seqs(t), [1, 2, 3, 4, 5]);
  });

  test('a missing seq holds later ones back and reports the gap until it is filled', () => {
    const t = new Timeline();
    t.reset(range(1, 2));
    assert.deepEqual(t.append([msg(4), msg(5)]), { added: [], gap: true });
    assert.equal(t.lastSeq, 2);
    const r = t.append([msg(3)]);
    assert.deepEqual(r.added.map((m) => m.seq), [3, 4, 5]);
    assert.equal(r.gap, false);
    assert.equal(t.lastSeq, 5);
  });

  test('live messages that arrive before the first page wait for it, and are kept above it', () => {
    const t = new Timeline();
    assert.deepEqual(t.append([msg(11)]), { added: [], gap: false });
    t.reset(range(1, 10));
    assert.deepEqual(seqs(t), range(1, 11).map((m) => m.seq));
  });

  test('prepend adds only what is older; the arrays change identity on change only', () => {
    const t = new Timeline();
    const held = range(5, 6);
    t.reset(held);
    const before = t.messages;
    assert.equal(t.append([held[0]!]).added.length, 0);
    assert.equal(t.messages, before, 'the same message again changes nothing');
    assert.equal(t.append([{ ...held[0]! }]).added.length, 0);
    assert.notEqual(t.messages, before, 'a new copy (an echo, an edit) replaces the held one');
    assert.equal(t.prepend([...range(3, 4), msg(5)]), 2);
    assert.deepEqual(seqs(t), [3, 4, 5, 6]);
    assert.equal(t.prepend(range(1, 2)), 2);
    assert.equal(t.hasOlder, false);
  });

  test('edits and deletes replace the held message by seq; ids find messages', () => {
    const t = new Timeline();
    t.reset(range(1, 3));
    assert.equal(t.replace({ ...msg(2), body: 'edited', edited_at: 9 }), true);
    assert.equal(t.byId('id2')?.body, 'edited');
    assert.equal(t.markDeleted(3), true);
    assert.deepEqual([t.bySeq(3)?.body, t.bySeq(3)?.deleted], ['', true]);
    assert.equal(t.replace(msg(9)), false);
    assert.equal(t.byId('nope'), undefined);
  });

  test('10,000 messages append and index in well under a second', () => {
    const t = new Timeline();
    t.reset([]);
    t.append(range(1, 10_000));
    assert.equal(t.messages.length, 10_000);
    assert.equal(t.byId('id5000')?.seq, 5000);
  });
});
