import { useState } from 'preact/hooks';
import { useT } from '../app-context.ts';
import type { MessageKey } from '../i18n/translator.ts';
import { ErrorText } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';
import type { Answer, AnswerInput, AnswerSpec, Choice, Mine, QuestionAnswer } from './types.ts';
import { formatTime, useAnnouncementsApi } from './use-announcements-api.ts';

const CHOICES: readonly Choice[] = ['yes', 'no', 'maybe'];
const choiceKey = (c: Choice) => `ann.choice.${c}` as MessageKey;

/**
 * The recipient's answer: attendance ○ × △ with a comment, a questionnaire, or a date poll,
 * filled with the answer already given (it can be changed until the deadline).
 */
export function AnswerForm({ announcementId, spec, me, closed, onAnswered }: { announcementId: string; spec: AnswerSpec; me: Mine; closed: boolean; onAnswered(me: Mine): void }) {
  const { t, lang } = useT();
  const api = useAnnouncementsApi();
  const { busy, error, run } = useAction();
  const [sent, setSent] = useState(false);
  const given: Answer | null = me.answer;
  const [choice, setChoice] = useState<Choice | undefined>(given?.type === 'attendance' ? given.choice : undefined);
  const [comment, setComment] = useState((given?.type === 'attendance' || given?.type === 'date_poll' ? given.comment : null) ?? '');
  const [answers, setAnswers] = useState<QuestionAnswer[]>(
    given?.type === 'questionnaire' ? given.answers : spec.type === 'questionnaire' ? spec.questions.map((q) => (q.kind === 'multiple' ? [] : null)) : [],
  );
  const [slots, setSlots] = useState<Record<string, Choice>>(given?.type === 'date_poll' ? given.slots : {});

  const input = (): AnswerInput | undefined => {
    const note = comment.trim() === '' ? null : comment.trim();
    if (spec.type === 'attendance') return choice ? { choice, comment: note } : undefined;
    if (spec.type === 'questionnaire') return { answers: answers.map((a) => (typeof a === 'string' && a.trim() === '' ? null : a)) };
    return { slots, comment: note };
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const body = input();
    if (!body) return;
    void run(async () => {
      const { me: mine } = await api.answer(announcementId, body);
      setSent(true);
      onAnswered(mine);
    });
  };
  const setAnswer = (i: number, value: QuestionAnswer) => setAnswers((held) => held.map((a, j) => (j === i ? value : a)));

  return (
    <form class="stack card answer-form" onSubmit={submit} aria-label={t('ann.yourAnswer')}>
      <h2>{t('ann.yourAnswer')}</h2>
      {spec.type === 'attendance' && (
        <fieldset class="choices" disabled={closed}>
          <legend class="visually-hidden">{t('ann.yourAnswer')}</legend>
          {CHOICES.map((c) => (
            <label key={c} class={`choice${choice === c ? ' chosen' : ''}`}>
              <input type="radio" name="choice" value={c} checked={choice === c} onChange={() => setChoice(c)} />
              <span>{t(choiceKey(c))}</span>
            </label>
          ))}
        </fieldset>
      )}
      {spec.type === 'questionnaire' && spec.questions.map((q, i) => (
        <fieldset key={q.id} class="question" disabled={closed}>
          <legend>{q.text} {q.required && <span class="muted">{t('ann.requiredMark')}</span>}</legend>
          {q.kind === 'text' ? (
            <textarea aria-label={q.text} value={typeof answers[i] === 'string' ? (answers[i] as string) : ''} maxLength={2000} rows={3} onInput={(e) => setAnswer(i, e.currentTarget.value)} />
          ) : q.options.map((option, o) => {
            const held = answers[i];
            const checked = q.kind === 'single' ? held === o : Array.isArray(held) && held.includes(o);
            const toggle = () => setAnswer(i, q.kind === 'single' ? o : Array.isArray(held) ? (checked ? held.filter((x) => x !== o) : [...held, o].sort((a, b) => a - b)) : [o]);
            return (
              <label key={o} class="option">
                <input type={q.kind === 'single' ? 'radio' : 'checkbox'} name={q.id} checked={checked} onChange={toggle} />
                <span>{option}</span>
              </label>
            );
          })}
        </fieldset>
      ))}
      {spec.type === 'date_poll' && spec.slots.map((s) => (
        <fieldset key={s.id} class="slot" disabled={closed}>
          <legend>{formatTime(s.start, lang)}{s.label ? ` — ${s.label}` : ''}</legend>
          <div class="choices">
            {CHOICES.map((c) => (
              <label key={c} class={`choice${slots[s.id] === c ? ' chosen' : ''}`}>
                <input type="radio" name={`slot-${s.id}`} value={c} checked={slots[s.id] === c} onChange={() => setSlots({ ...slots, [s.id]: c })} />
                <span>{t(choiceKey(c)).slice(0, 1)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      {spec.type !== 'questionnaire' && (
        <div class="field">
          <label for="answer-comment">{t('ann.comment')}</label>
          <textarea id="answer-comment" value={comment} maxLength={1000} rows={2} disabled={closed} onInput={(e) => setComment(e.currentTarget.value)} />
        </div>
      )}
      <ErrorText text={error} />
      {sent && <p role="status" class="ok">{t('ann.answerSent')}</p>}
      {!closed && <button class="button primary" type="submit" disabled={busy || input() === undefined}>{t('ann.sendAnswer')}</button>}
    </form>
  );
}
