import { LIMITS } from '../config/limits.ts';
import { AppError } from '../domain/app-error.ts';
import { codePointLength, hasForbiddenCharacters } from '../domain/text.ts';
import { CHOICES, type Answer, type AnswerSpec, type Choice, type Question, type QuestionAnswer, type QuestionKind, type Slot } from './types.ts';

/** What a client sends to ask for an answer; ids are assigned here. */
export type AnswerSpecInput =
  | { type: 'attendance' }
  | { type: 'questionnaire'; questions: { text: string; kind: QuestionKind; options?: string[]; required?: boolean }[] }
  | { type: 'date_poll'; slots: { start: number; end?: number | null; label?: string }[] };

/** What a client sends as an answer; which fields count depends on the announcement's spec. */
export interface AnswerInput {
  choice?: unknown;
  comment?: unknown;
  answers?: unknown;
  slots?: unknown;
}

/**
 * Turns a request for answers into an AnswerSpec: texts checked, ids assigned in order
 * (`q1…`, `s1…`). Throws validation_failed naming the field. Pure.
 */
export function normalizeAnswerSpec(input: AnswerSpecInput): AnswerSpec {
  switch (input.type) {
    case 'attendance':
      return { type: 'attendance' };
    case 'questionnaire': {
      const { questions } = input;
      if (questions.length === 0 || questions.length > LIMITS.maxQuestions) {
        throw specError('answer.questions', `a questionnaire has 1 to ${LIMITS.maxQuestions} questions`);
      }
      return { type: 'questionnaire', questions: questions.map((q, i) => normalizeQuestion(q, i)) };
    }
    case 'date_poll': {
      const { slots } = input;
      if (slots.length === 0 || slots.length > LIMITS.maxPollSlots) {
        throw specError('answer.slots', `a date poll has 1 to ${LIMITS.maxPollSlots} slots`);
      }
      return { type: 'date_poll', slots: slots.map((s, i) => normalizeSlot(s, i)) };
    }
    default:
      throw specError('answer.type', `answer.type must be one of attendance, questionnaire, date_poll`);
  }
}

function normalizeQuestion(q: { text: string; kind: QuestionKind; options?: string[]; required?: boolean }, i: number): Question {
  const field = `answer.questions.${i}`;
  const text = checkLine(q.text, `${field}.text`, LIMITS.maxQuestionChars);
  const options = (q.options ?? []).map((o, j) => checkLine(o, `${field}.options.${j}`, LIMITS.maxOptionChars));
  if (q.kind === 'text') {
    if (options.length > 0) throw specError(`${field}.options`, 'a free-text question has no options');
  } else {
    if (options.length < 2 || options.length > LIMITS.maxOptions) throw specError(`${field}.options`, `a choice question has 2 to ${LIMITS.maxOptions} options`);
    if (new Set(options).size !== options.length) throw specError(`${field}.options`, 'options must differ from each other');
  }
  return { id: `q${i + 1}`, kind: q.kind, text, options, required: q.required ?? false };
}

function normalizeSlot(s: { start: number; end?: number | null; label?: string }, i: number): Slot {
  const field = `answer.slots.${i}`;
  if (!Number.isSafeInteger(s.start) || s.start < 0) throw specError(`${field}.start`, 'start is epoch milliseconds');
  const end = s.end ?? null;
  if (end !== null && (!Number.isSafeInteger(end) || end <= s.start)) throw specError(`${field}.end`, 'end must come after start');
  const label = s.label === undefined || s.label.trim() === '' ? '' : checkLine(s.label, `${field}.label`, LIMITS.maxOptionChars);
  return { id: `s${i + 1}`, start: s.start, end, label };
}

function checkLine(raw: string, field: string, max: number): string {
  const text = raw.trim();
  if (text === '' || codePointLength(text) > max || hasForbiddenCharacters(text)) {
    throw specError(field, `must be 1 to ${max} characters without control characters`);
  }
  return text;
}

function specError(field: string, rule: string): AppError {
  return new AppError('validation_failed', `${field}: ${rule}.`, { field });
}

/**
 * Checks an answer against the spec and returns it normalised (the stored form). Throws
 * answer_invalid naming the field: a field of another answer type, a choice or option that
 * does not exist, a value of the wrong type, a required question left out. Pure.
 */
export function checkAnswer(spec: AnswerSpec, input: AnswerInput): Answer {
  const present = (['choice', 'answers', 'slots'] as const).filter((k) => input[k] !== undefined);
  const expected = { attendance: 'choice', questionnaire: 'answers', date_poll: 'slots' } as const;
  const want = expected[spec.type];
  const stray = present.find((k) => k !== want);
  if (stray !== undefined || !present.includes(want)) {
    throw answerError(stray ?? want, `this announcement asks for ${describe(spec)}: send {${want}${spec.type === 'questionnaire' ? '' : ', comment?'}}`);
  }
  switch (spec.type) {
    case 'attendance':
      return { type: 'attendance', choice: checkChoice(input.choice, 'choice'), comment: checkComment(input.comment) };
    case 'questionnaire':
      if (input.comment !== undefined) throw answerError('comment', 'a questionnaire takes no comment: answer its free-text questions');
      return { type: 'questionnaire', answers: checkQuestionnaire(spec.questions, input.answers) };
    case 'date_poll':
      return { type: 'date_poll', slots: checkSlots(spec.slots, input.slots), comment: checkComment(input.comment) };
  }
}

function describe(spec: AnswerSpec): string {
  switch (spec.type) {
    case 'attendance': return 'attendance (yes, no or maybe)';
    case 'questionnaire': return `a questionnaire of ${spec.questions.length} question(s)`;
    case 'date_poll': return `a date poll over ${spec.slots.length} slot(s)`;
  }
}

function checkChoice(value: unknown, field: string): Choice {
  if (typeof value !== 'string' || !(CHOICES as readonly string[]).includes(value)) {
    throw answerError(field, `must be one of ${CHOICES.join(', ')} (○ × △)`);
  }
  return value as Choice;
}

function checkComment(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw answerError('comment', 'must be a string');
  return value.trim() === '' ? null : checkText(value, 'comment', LIMITS.maxCommentChars);
}

function checkText(value: string, field: string, max: number): string {
  if (codePointLength(value) > max) throw answerError(field, `must be at most ${max} characters`);
  if (hasForbiddenCharacters(value)) throw answerError(field, 'may not contain control characters other than tab and newline');
  return value;
}

function checkQuestionnaire(questions: Question[], value: unknown): QuestionAnswer[] {
  if (!Array.isArray(value) || value.length !== questions.length) {
    throw answerError('answers', `must be an array of ${questions.length} answers, one per question in order (null to skip one)`);
  }
  return questions.map((q, i) => checkQuestionAnswer(q, value[i] as unknown, `answers.${i}`));
}

function checkQuestionAnswer(q: Question, value: unknown, field: string): QuestionAnswer {
  if (value === null || value === undefined) {
    if (q.required) throw answerError(field, `question ${q.id} is required`);
    return null;
  }
  const option = (v: unknown, f: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw answerError(f, `must be an option index of question ${q.id} (0 to ${q.options.length - 1})`);
    if (v < 0 || v >= q.options.length) throw answerError(f, `question ${q.id} has no option ${v}: it has 0 to ${q.options.length - 1}`);
    return v;
  };
  switch (q.kind) {
    case 'single':
      return option(value, field);
    case 'multiple': {
      if (!Array.isArray(value)) throw answerError(field, `question ${q.id} is multiple choice: send an array of option indexes`);
      const picked = [...new Set(value.map((v: unknown, j) => option(v, `${field}.${j}`)))].sort((a, b) => a - b);
      if (picked.length === 0 && q.required) throw answerError(field, `question ${q.id} is required`);
      return picked;
    }
    case 'text': {
      if (typeof value !== 'string') throw answerError(field, `question ${q.id} is free text: send a string`);
      if (value.trim() === '') {
        if (q.required) throw answerError(field, `question ${q.id} is required`);
        return null;
      }
      return checkText(value, field, LIMITS.maxTextAnswerChars);
    }
  }
}

function checkSlots(slots: Slot[], value: unknown): Record<string, Choice> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw answerError('slots', 'must be an object of slot id → yes, no or maybe');
  }
  const known = new Set(slots.map((s) => s.id));
  const out: Record<string, Choice> = {};
  for (const [id, choice] of Object.entries(value as Record<string, unknown>)) {
    if (!known.has(id)) throw answerError(`slots.${id}`, `no such slot: the slots are ${[...known].join(', ')}`);
    out[id] = checkChoice(choice, `slots.${id}`);
  }
  if (Object.keys(out).length === 0) throw answerError('slots', 'answer at least one slot');
  // Stored in slot order, whatever order the client sent.
  return Object.fromEntries(slots.filter((s) => out[s.id] !== undefined).map((s) => [s.id, out[s.id]!]));
}

function answerError(field: string, rule: string): AppError {
  return new AppError('answer_invalid', `${field}: ${rule}.`, { field });
}
