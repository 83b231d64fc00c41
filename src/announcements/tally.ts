import type { Answer, AnswerSpec } from './types.ts';

export interface ChoiceCounts {
  yes: number;
  no: number;
  maybe: number;
}

/** The answers counted, by answer type; `answered + unanswered` is the recipient count. */
export type Tally =
  | ({ type: 'attendance'; answered: number; unanswered: number } & ChoiceCounts)
  | { type: 'questionnaire'; answered: number; unanswered: number; questions: { id: string; answered: number; counts: number[] }[] }
  | { type: 'date_poll'; answered: number; unanswered: number; slots: ({ id: string } & ChoiceCounts)[] };

/**
 * Counts `answers` (each already checked against `spec`) of `recipientCount` recipients; null
 * when the announcement asks for no answer. For a questionnaire, `counts[i]` is how many chose
 * option i (for free text, []), `answered` how many answered that question. Pure.
 */
export function tally(spec: AnswerSpec | null, recipientCount: number, answers: readonly Answer[]): Tally | null {
  if (spec === null) return null;
  const answered = answers.length;
  const unanswered = Math.max(0, recipientCount - answered);
  switch (spec.type) {
    case 'attendance': {
      const counts = zero();
      for (const a of answers) if (a.type === 'attendance') counts[a.choice] += 1;
      return { type: 'attendance', answered, unanswered, ...counts };
    }
    case 'questionnaire': {
      const questions = spec.questions.map((q) => ({ id: q.id, answered: 0, counts: q.options.map(() => 0) }));
      for (const a of answers) {
        if (a.type !== 'questionnaire') continue;
        a.answers.forEach((value, i) => {
          const q = questions[i];
          if (q === undefined || value === null) return;
          q.answered += 1;
          for (const option of typeof value === 'number' ? [value] : Array.isArray(value) ? value : []) {
            if (option < q.counts.length) q.counts[option]! += 1;
          }
        });
      }
      return { type: 'questionnaire', answered, unanswered, questions };
    }
    case 'date_poll': {
      const slots = spec.slots.map((s) => ({ id: s.id, ...zero() }));
      const byId = new Map(slots.map((s) => [s.id, s]));
      for (const a of answers) {
        if (a.type !== 'date_poll') continue;
        for (const [id, choice] of Object.entries(a.slots)) {
          const slot = byId.get(id);
          if (slot) slot[choice] += 1;
        }
      }
      return { type: 'date_poll', answered, unanswered, slots };
    }
  }
}

function zero(): ChoiceCounts {
  return { yes: 0, no: 0, maybe: 0 };
}
