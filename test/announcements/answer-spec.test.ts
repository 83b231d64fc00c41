import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAnswer, normalizeAnswerSpec } from '../../src/announcements/answer-spec.ts';
import { tally } from '../../src/announcements/tally.ts';
import type { Answer, AnswerSpec } from '../../src/announcements/types.ts';
import { AppError } from '../../src/domain/app-error.ts';

function fails(code: string, field: string) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.deepEqual([error.code, error.details?.field], [code, field], error.message);
    return true;
  };
}

const questionnaire = normalizeAnswerSpec({
  type: 'questionnaire',
  questions: [
    { text: ' Lunch? ', kind: 'single', options: ['Fish', 'Meat'], required: true },
    { text: 'Sizes', kind: 'multiple', options: ['S', 'M', 'L'] },
    { text: 'Allergies', kind: 'text' },
  ],
});
const poll = normalizeAnswerSpec({ type: 'date_poll', slots: [{ start: 1000, end: 2000, label: 'Sat' }, { start: 3000 }] });
const attendance: AnswerSpec = { type: 'attendance' };

describe('answer specs', () => {
  test('ids are assigned in order and texts trimmed', () => {
    assert.deepEqual(questionnaire, {
      type: 'questionnaire',
      questions: [
        { id: 'q1', kind: 'single', text: 'Lunch?', options: ['Fish', 'Meat'], required: true },
        { id: 'q2', kind: 'multiple', text: 'Sizes', options: ['S', 'M', 'L'], required: false },
        { id: 'q3', kind: 'text', text: 'Allergies', options: [], required: false },
      ],
    });
    assert.deepEqual(poll, { type: 'date_poll', slots: [{ id: 's1', start: 1000, end: 2000, label: 'Sat' }, { id: 's2', start: 3000, end: null, label: '' }] });
  });

  test('malformed specs are refused naming the field', () => {
    assert.throws(() => normalizeAnswerSpec({ type: 'questionnaire', questions: [] }), fails('validation_failed', 'answer.questions'));
    assert.throws(() => normalizeAnswerSpec({ type: 'questionnaire', questions: [{ text: 'x', kind: 'single', options: ['only one'] }] }), fails('validation_failed', 'answer.questions.0.options'));
    assert.throws(() => normalizeAnswerSpec({ type: 'questionnaire', questions: [{ text: 'x', kind: 'single', options: ['a', 'a'] }] }), fails('validation_failed', 'answer.questions.0.options'));
    assert.throws(() => normalizeAnswerSpec({ type: 'questionnaire', questions: [{ text: 'x', kind: 'text', options: ['a', 'b'] }] }), fails('validation_failed', 'answer.questions.0.options'));
    assert.throws(() => normalizeAnswerSpec({ type: 'questionnaire', questions: [{ text: '  ', kind: 'text' }] }), fails('validation_failed', 'answer.questions.0.text'));
    assert.throws(() => normalizeAnswerSpec({ type: 'date_poll', slots: [{ start: 5000, end: 4000 }] }), fails('validation_failed', 'answer.slots.0.end'));
  });
});

describe('checking answers', () => {
  test('attendance: yes/no/maybe with an optional comment', () => {
    assert.deepEqual(checkAnswer(attendance, { choice: 'maybe', comment: '遅れます' }), { type: 'attendance', choice: 'maybe', comment: '遅れます' });
    assert.deepEqual(checkAnswer(attendance, { choice: 'yes', comment: '   ' }), { type: 'attendance', choice: 'yes', comment: null });
    assert.throws(() => checkAnswer(attendance, { choice: 'perhaps' }), fails('answer_invalid', 'choice'));
    assert.throws(() => checkAnswer(attendance, { choice: 'yes', comment: 'a\u0007b' }), fails('answer_invalid', 'comment'));
  });

  test('an answer of another type is refused', () => {
    assert.throws(() => checkAnswer(attendance, { answers: [0] }), fails('answer_invalid', 'answers'));
    assert.throws(() => checkAnswer(attendance, {}), fails('answer_invalid', 'choice'));
    assert.throws(() => checkAnswer(questionnaire, { choice: 'yes' }), fails('answer_invalid', 'choice'));
    assert.throws(() => checkAnswer(poll, { choice: 'yes' }), fails('answer_invalid', 'choice'));
    assert.throws(() => checkAnswer(questionnaire, { answers: [0, null, null], comment: 'x' }), fails('answer_invalid', 'comment'));
  });

  test('questionnaire: one answer per question, options by index, options sorted and unique', () => {
    assert.deepEqual(checkAnswer(questionnaire, { answers: [1, [2, 0, 2], 'peanuts'] }), { type: 'questionnaire', answers: [1, [0, 2], 'peanuts'] });
    assert.deepEqual(checkAnswer(questionnaire, { answers: [0, null, ''] }), { type: 'questionnaire', answers: [0, null, null] });
  });

  test('questionnaire: options that do not exist, values of the wrong type, a required one left out', () => {
    assert.throws(() => checkAnswer(questionnaire, { answers: [2, null, null] }), fails('answer_invalid', 'answers.0'));
    assert.throws(() => checkAnswer(questionnaire, { answers: [0, [1, 3], null] }), fails('answer_invalid', 'answers.1.1'));
    assert.throws(() => checkAnswer(questionnaire, { answers: [-1, null, null] }), fails('answer_invalid', 'answers.0'));
    assert.throws(() => checkAnswer(questionnaire, { answers: ['Fish', null, null] }), fails('answer_invalid', 'answers.0'));
    assert.throws(() => checkAnswer(questionnaire, { answers: [0, 1, null] }), fails('answer_invalid', 'answers.1'));
    assert.throws(() => checkAnswer(questionnaire, { answers: [0, null, 7] }), fails('answer_invalid', 'answers.2'));
    assert.throws(() => checkAnswer(questionnaire, { answers: [null, null, null] }), fails('answer_invalid', 'answers.0'));
    assert.throws(() => checkAnswer(questionnaire, { answers: [0, null] }), fails('answer_invalid', 'answers'));
  });

  test('date poll: known slots only, each yes/no/maybe, stored in slot order', () => {
    assert.deepEqual(checkAnswer(poll, { slots: { s2: 'no', s1: 'yes' } }), { type: 'date_poll', slots: { s1: 'yes', s2: 'no' }, comment: null });
    assert.throws(() => checkAnswer(poll, { slots: { s9: 'yes' } }), fails('answer_invalid', 'slots.s9'));
    assert.throws(() => checkAnswer(poll, { slots: { s1: 'perhaps' } }), fails('answer_invalid', 'slots.s1'));
    assert.throws(() => checkAnswer(poll, { slots: ['yes'] }), fails('answer_invalid', 'slots'));
    assert.throws(() => checkAnswer(poll, { slots: {} }), fails('answer_invalid', 'slots'));
  });
});

describe('tally', () => {
  test('attendance counts each choice; the rest are unanswered', () => {
    const answers: Answer[] = [
      { type: 'attendance', choice: 'yes', comment: null }, { type: 'attendance', choice: 'yes', comment: 'x' }, { type: 'attendance', choice: 'maybe', comment: null },
    ];
    assert.deepEqual(tally(attendance, 5, answers), { type: 'attendance', answered: 3, unanswered: 2, yes: 2, no: 0, maybe: 1 });
    assert.equal(tally(null, 5, []), null);
  });

  test('questionnaire counts per option, and answers per question', () => {
    const answers: Answer[] = [
      { type: 'questionnaire', answers: [0, [0, 2], 'nuts'] },
      { type: 'questionnaire', answers: [1, null, null] },
    ];
    assert.deepEqual(tally(questionnaire, 3, answers), {
      type: 'questionnaire', answered: 2, unanswered: 1,
      questions: [{ id: 'q1', answered: 2, counts: [1, 1] }, { id: 'q2', answered: 1, counts: [1, 0, 1] }, { id: 'q3', answered: 1, counts: [] }],
    });
  });

  test('date poll counts yes/no/maybe per slot', () => {
    const answers: Answer[] = [
      { type: 'date_poll', slots: { s1: 'yes', s2: 'no' }, comment: null },
      { type: 'date_poll', slots: { s1: 'maybe' }, comment: null },
    ];
    assert.deepEqual(tally(poll, 2, answers), {
      type: 'date_poll', answered: 2, unanswered: 0,
      slots: [{ id: 's1', yes: 1, no: 0, maybe: 1 }, { id: 's2', yes: 0, no: 1, maybe: 0 }],
    });
  });
});
