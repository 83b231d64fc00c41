import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyForm, fromAnnouncement, fromLocalInput, isProblem, optionLines, toInput, toLocalInput } from '../../../web/src/announcements/compose-form.ts';
import type { Announcement } from '../../../web/src/announcements/types.ts';

test('toInput: a plain announcement to everyone, sent now', () => {
  const input = toInput({ ...emptyForm(), title: '  Sports day ', body: 'Sat 9:00' }, false);
  assert.deepEqual(input, {
    title: 'Sports day', body: 'Sat 9:00', recipients: { all: true }, email: true, answer: null, deadline: null, send_at: null, draft: false, attachment_ids: [],
  });
});

test('toInput: points at the first field to fix', () => {
  assert.deepEqual(toInput(emptyForm(), false), { field: 'title', problem: 'required' });
  assert.deepEqual(toInput({ ...emptyForm(), title: 't' }, false), { field: 'body', problem: 'required' });
  const base = { ...emptyForm(), title: 't', body: 'b' };
  assert.deepEqual(toInput({ ...base, answer: 'questionnaire', questions: [{ text: 'Q', kind: 'single', options: 'only one', required: true }] }, false), { field: 'options-0', problem: 'options' });
  assert.deepEqual(toInput({ ...base, answer: 'date_poll', slots: [{ start: '', label: '' }] }, false), { field: 'slot-0', problem: 'time' });
  assert.deepEqual(toInput({ ...base, sendLater: true, sendAt: 'soon' }, false), { field: 'send-at', problem: 'time' });
  assert.deepEqual(toInput({ ...base, audience: 'some' }, false), { field: 'recipients', problem: 'required' });
});

test('toInput: questionnaire, date poll, deadline, schedule and chosen recipients', () => {
  const input = toInput({
    ...emptyForm(), title: 't', body: 'b', audience: 'some', subgroupIds: ['s1'], userIds: ['u1'], email: false,
    answer: 'questionnaire', questions: [{ text: 'Lunch?', kind: 'multiple', options: 'rice\n\n bread \n', required: false }, { text: 'Notes', kind: 'text', options: 'x', required: true }],
    deadline: '2031-05-01T10:00', sendLater: true, sendAt: '2031-04-30T08:30', attachments: [{ id: 'f1', filename: 'a.pdf', size: 1 }],
  }, true);
  assert.ok(!isProblem(input));
  assert.deepEqual(input.recipients, { all: false, subgroup_ids: ['s1'], user_ids: ['u1'] });
  assert.deepEqual(input.answer, { type: 'questionnaire', questions: [{ text: 'Lunch?', kind: 'multiple', required: false, options: ['rice', 'bread'] }, { text: 'Notes', kind: 'text', required: true }] });
  assert.deepEqual([input.deadline, input.send_at, input.draft, input.email, input.attachment_ids], [fromLocalInput('2031-05-01T10:00'), fromLocalInput('2031-04-30T08:30'), true, false, ['f1']]);
  const poll = toInput({ ...emptyForm(), title: 't', body: 'b', answer: 'date_poll', slots: [{ start: '2031-05-01T10:00', label: ' gym ' }] }, false);
  assert.ok(!isProblem(poll));
  assert.deepEqual(poll.answer, { type: 'date_poll', slots: [{ start: fromLocalInput('2031-05-01T10:00'), label: 'gym' }] });
});

test('datetime-local round trip, option lines, and a saved draft back in the form', () => {
  const ms = fromLocalInput('2031-05-01T10:05')!;
  assert.equal(toLocalInput(ms), '2031-05-01T10:05');
  assert.equal(fromLocalInput('nope'), undefined);
  assert.deepEqual(optionLines(' a \n\nb\n'), ['a', 'b']);
  const draft = {
    id: 'a', group_id: 'g', author_id: 'u', title: 'T', body: 'B', recipients: { all: false, subgroup_ids: ['s'], user_ids: [] }, email: false,
    answer: { type: 'date_poll', slots: [{ id: 's1', start: ms, end: null, label: 'L' }] }, deadline: null, status: 'draft', send_at: null, sent_at: null,
    created_at: 1, updated_at: 1, remind_count: 2, remind_interval_ms: 1, deadline_remind_ms: 1, attachments: [],
  } satisfies Announcement;
  const form = fromAnnouncement(draft);
  assert.deepEqual([form.audience, form.subgroupIds, form.answer, form.slots, form.email], ['some', ['s'], 'date_poll', [{ start: '2031-05-01T10:05', label: 'L' }], false]);
  const again = toInput(form, true);
  assert.ok(!isProblem(again));
  assert.deepEqual(again.answer, { type: 'date_poll', slots: [{ start: ms, label: 'L' }] });
});
