import type { Announcement, AnnouncementInput, AnswerSpecInput, Question } from './types.ts';

/** The composer's fields, as typed (kept on the device while writing). */
export interface ComposeForm {
  title: string;
  body: string;
  audience: 'all' | 'some';
  subgroupIds: string[];
  userIds: string[];
  answer: 'none' | 'attendance' | 'questionnaire' | 'date_poll';
  questions: { text: string; kind: Question['kind']; options: string; required: boolean }[];
  /** `datetime-local` values */
  slots: { start: string; label: string }[];
  deadline: string;
  sendLater: boolean;
  sendAt: string;
  email: boolean;
  attachments: { id: string; filename: string; size: number }[];
}

export function emptyForm(): ComposeForm {
  return {
    title: '', body: '', audience: 'all', subgroupIds: [], userIds: [], answer: 'none',
    questions: [{ text: '', kind: 'single', options: '', required: true }], slots: [{ start: '', label: '' }],
    deadline: '', sendLater: false, sendAt: '', email: true, attachments: [],
  };
}

/** A problem the form can point at: which field, and the dictionary key of the message. */
export interface FormProblem {
  field: string;
  problem: 'required' | 'options' | 'time';
}

/** `datetime-local` text ↔ epoch ms, in the device's time zone. */
export function fromLocalInput(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Options of a choice question: one per line, blank lines dropped. */
export function optionLines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/**
 * The request for the form, or the first problem (checked here so the person sees it at the
 * field; the server checks everything again). `draft` keeps it unsent; otherwise it goes out
 * now, or at `sendAt` when `sendLater`.
 */
export function toInput(form: ComposeForm, draft: boolean): AnnouncementInput | FormProblem {
  if (form.title.trim() === '') return { field: 'title', problem: 'required' };
  if (form.body.trim() === '') return { field: 'body', problem: 'required' };
  let answer: AnswerSpecInput | null = null;
  if (form.answer === 'attendance') answer = { type: 'attendance' };
  if (form.answer === 'questionnaire') {
    const questions = [];
    for (const [i, q] of form.questions.entries()) {
      if (q.text.trim() === '') return { field: `question-${i}`, problem: 'required' };
      const options = optionLines(q.options);
      if (q.kind !== 'text' && options.length < 2) return { field: `options-${i}`, problem: 'options' };
      questions.push({ text: q.text.trim(), kind: q.kind, required: q.required, ...(q.kind === 'text' ? {} : { options }) });
    }
    answer = { type: 'questionnaire', questions };
  }
  if (form.answer === 'date_poll') {
    const slots = [];
    for (const [i, s] of form.slots.entries()) {
      const start = fromLocalInput(s.start);
      if (start === undefined) return { field: `slot-${i}`, problem: 'time' };
      slots.push({ start, ...(s.label.trim() ? { label: s.label.trim() } : {}) });
    }
    answer = { type: 'date_poll', slots };
  }
  const deadline = answer && form.deadline ? fromLocalInput(form.deadline) : null;
  if (deadline === undefined) return { field: 'deadline', problem: 'time' };
  const sendAt = form.sendLater ? fromLocalInput(form.sendAt) : null;
  if (sendAt === undefined) return { field: 'send-at', problem: 'time' };
  if (form.audience === 'some' && form.subgroupIds.length === 0 && form.userIds.length === 0) return { field: 'recipients', problem: 'required' };
  return {
    title: form.title.trim(),
    body: form.body,
    recipients: form.audience === 'all' ? { all: true } : { all: false, subgroup_ids: form.subgroupIds, user_ids: form.userIds },
    email: form.email,
    answer,
    deadline,
    send_at: sendAt,
    draft,
    attachment_ids: form.attachments.map((a) => a.id),
  };
}

export function isProblem(x: AnnouncementInput | FormProblem): x is FormProblem {
  return 'problem' in x;
}

/** A saved draft back in the form, to go on writing it. */
export function fromAnnouncement(a: Announcement): ComposeForm {
  const form = emptyForm();
  const spec = a.answer;
  return {
    ...form,
    title: a.title,
    body: a.body,
    audience: a.recipients.all ? 'all' : 'some',
    subgroupIds: a.recipients.subgroup_ids,
    userIds: a.recipients.user_ids,
    answer: spec?.type ?? 'none',
    questions: spec?.type === 'questionnaire' ? spec.questions.map((q) => ({ text: q.text, kind: q.kind, options: q.options.join('\n'), required: q.required })) : form.questions,
    slots: spec?.type === 'date_poll' ? spec.slots.map((s) => ({ start: toLocalInput(s.start), label: s.label })) : form.slots,
    deadline: a.deadline !== null ? toLocalInput(a.deadline) : '',
    sendLater: a.send_at !== null,
    sendAt: a.send_at !== null ? toLocalInput(a.send_at) : '',
    email: a.email,
    attachments: a.attachments.map((x) => ({ id: x.id, filename: x.filename, size: x.size })),
  };
}
