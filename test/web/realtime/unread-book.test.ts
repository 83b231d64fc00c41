import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UnreadBook } from '../../../web/src/realtime/unread-book.ts';

const view = (room_id: string, group_id: string, last_seq: number, last_read_seq: number) => ({ room_id, group_id, last_seq, last_read_seq, unread: last_seq - last_read_seq });

test('UnreadBook: counts per room and group from the join reply, reads and activity, only forward', () => {
  const book = new UnreadBook();
  book.replaceAll([view('r1', 'g1', 10, 4), view('r2', 'g1', 3, 3), view('r3', 'g2', 5, 0)]);
  assert.deepEqual([book.roomUnread('r1'), book.groupUnread('g1'), book.groupUnread('g2')], [6, 6, 5]);
  book.activity('g1', 'r2', 7);
  assert.equal(book.groupUnread('g1'), 10);
  book.apply(view('r1', 'g1', 10, 10));
  assert.equal(book.roomUnread('r1'), 0);
  book.apply(view('r1', 'g1', 9, 8));
  assert.deepEqual([book.roomUnread('r1'), book.lastRead('r1')], [0, 10], 'an older event moves nothing back');
  book.activity('g3', 'new', 0);
  assert.equal(book.rooms.get().has('new'), true);
  book.forgetGroup('g1');
  assert.deepEqual([...book.rooms.get().keys()].sort(), ['new', 'r3']);
});

test('UnreadBook: an unchanged update does not notify', () => {
  const book = new UnreadBook();
  book.replaceAll([view('r1', 'g1', 2, 1)]);
  let calls = 0;
  book.rooms.subscribe(() => calls++);
  book.activity('g1', 'r1', 2);
  book.apply(view('r1', 'g1', 2, 1));
  assert.equal(calls, 0);
  book.activity('g1', 'r1', 3);
  assert.equal(calls, 1);
});
