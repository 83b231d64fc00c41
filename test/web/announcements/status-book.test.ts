import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusBook } from '../../../web/src/announcements/status-book.ts';
import type { Status, StatusEvent } from '../../../web/src/announcements/types.ts';

const status = (readBen: number | null): Status => ({
  announcement_id: 'a1', recipient_count: 2, read_count: readBen === null ? 0 : 1, answered_count: 0,
  tally: { type: 'attendance', answered: 0, unanswered: 2, yes: 0, no: 0, maybe: 0 },
  recipients: [
    { user_id: 'ben', name: 'Ben', read_at: readBen, answer: null, answered_at: null, email_verified: true },
    { user_id: 'carl', name: 'Carl', read_at: null, answer: null, answered_at: null, email_verified: true },
  ],
});
const answered = (user_id: string, choice: 'yes' | 'no', yes: number, no: number): StatusEvent => ({
  announcement_id: 'a1', user_id, read_at: 5, answer: { type: 'attendance', choice, comment: null }, answered_at: 6,
  tally: { type: 'attendance', answered: yes + no, unanswered: 2 - yes - no, yes, no, maybe: 0 },
  recipient_count: 2, read_count: 2, answered_count: yes + no,
});

test('StatusBook: events change one recipient and the totals', () => {
  const book = new StatusBook();
  book.apply(answered('ben', 'yes', 1, 0));
  assert.equal(book.status.get(), undefined, 'nothing to apply to before the list');
  book.begin();
  book.snapshot(status(1));
  book.apply(answered('carl', 'no', 0, 1));
  const s = book.status.get()!;
  assert.deepEqual(s.recipients.map((r) => [r.user_id, r.answer?.type === 'attendance' ? r.answer.choice : null]), [['ben', null], ['carl', 'no']]);
  assert.deepEqual([s.read_count, s.answered_count, s.tally?.type === 'attendance' && s.tally.no], [2, 1, 1]);
});

test('StatusBook: an event arriving while the list is fetched is not undone by the (older) list', () => {
  const book = new StatusBook();
  book.begin();
  book.apply(answered('ben', 'yes', 1, 0));
  book.snapshot(status(null));
  const s = book.status.get()!;
  assert.equal(s.recipients[0]!.read_at, 5);
  assert.equal(s.answered_count, 1);
  book.apply(answered('ben', 'no', 0, 1));
  const answer = book.status.get()!.recipients[0]!.answer;
  assert.equal(answer?.type === 'attendance' ? answer.choice : undefined, 'no', 'later events keep applying');
});
