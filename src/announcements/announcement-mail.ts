import type { OutgoingMail } from '../mail/outgoing-mail.ts';
import { renderAnnouncementMail as renderTemplate, type MailLocale } from '../mail/templates.ts';
import { formatLocalTime } from './status-csv.ts';
import type { Announcement, AnswerType, Contact } from './types.ts';

/** Why a mail goes out: the first send, automatic unread reminder `round`, a sender's
 *  "remind unread now" pressed at `at`, or the reminder before the deadline. */
export type AnnouncementMailKind =
  | { kind: 'send' }
  | { kind: 'remind'; round: number }
  | { kind: 'remind_now'; at: number }
  | { kind: 'deadline' };

/**
 * The outbox key of a mailing: with the recipient it is unique, so a re-run of a job never
 * mails anyone twice (`ann:<id>:send`, `ann:<id>:remind:<n>`, `ann:<id>:remind-now:<ms>`,
 * `ann:<id>:deadline`).
 */
export function announcementMailKey(announcementId: string, kind: AnnouncementMailKind): string {
  switch (kind.kind) {
    case 'send': return `ann:${announcementId}:send`;
    case 'remind': return `ann:${announcementId}:remind:${kind.round}`;
    case 'remind_now': return `ann:${announcementId}:remind-now:${kind.at}`;
    case 'deadline': return `ann:${announcementId}:deadline`;
  }
}

export interface AnnouncementMailInput {
  announcement: Announcement;
  groupName: string;
  to: Contact;
  /** the signed read link of this recipient */
  readUrl: string;
  kind: AnnouncementMailKind;
  locale: MailLocale;
  /** IANA zone the deadline is shown in */
  timeZone: string;
  /** This recipient's `reply+<token>@` address: replying answers by mail (src/mail/feedback/). */
  replyTo?: string | undefined;
}

const WORDS = {
  ja: {
    reminder: '【再送】',
    deadline: '【回答締切が近づいています】',
    ask: { attendance: '出欠を回答してください（○ 出席 / × 欠席 / △ 未定）。', questionnaire: 'アンケートに回答してください。', date_poll: '都合のよい日程に ○ × △ を付けてください。' },
    by: (when: string) => `回答締切: ${when}`,
  },
  en: {
    reminder: '[Reminder] ',
    deadline: '[Answer needed] ',
    ask: { attendance: 'Please answer: attend ○ / not attend × / maybe △.', questionnaire: 'Please answer the questionnaire.', date_poll: 'Please mark the dates that suit you (○ × △).' },
    by: (when: string) => `Deadline: ${when}`,
  },
} as const satisfies Record<MailLocale, { ask: Record<AnswerType, string> } & Record<string, unknown>>;

/**
 * One announcement mail for one recipient, rendered by the shared mail templates (text and
 * HTML alternatives, everything a person typed escaped) with the recipient's signed read
 * link; reminders carry a subject prefix. Pure.
 */
export function renderAnnouncementMail(input: AnnouncementMailInput): OutgoingMail {
  const { announcement: a, kind, locale } = input;
  const words = WORDS[locale];
  const hint: string[] = [];
  if (a.answer_spec !== null) hint.push(words.ask[a.answer_spec.type]);
  if (a.deadline !== null) hint.push(words.by(`${formatLocalTime(a.deadline, input.timeZone)} (${input.timeZone})`));
  const rendered = renderTemplate({
    locale, groupName: input.groupName, title: a.title, body: a.body, readUrl: input.readUrl,
    ...(hint.length > 0 ? { answerHint: hint.join(' ') } : {}),
  });
  const prefix = kind.kind === 'send' ? '' : kind.kind === 'deadline' ? words.deadline : words.reminder;
  return {
    message_key: announcementMailKey(a.id, kind), user_id: input.to.user_id, to: input.to.email,
    subject: prefix + rendered.subject, text: rendered.text, html: rendered.html,
    ...(input.replyTo !== undefined ? { reply_to: input.replyTo } : {}),
  };
}
