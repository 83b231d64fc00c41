import type { MailDelivery } from '../shared/mail-delivery.ts';

/**
 * Announcements as the domain sees them. Ids are ULIDs; timestamps epoch milliseconds.
 * An announcement is a draft, scheduled, or sent; only unsent ones change. Recipients are
 * materialised when it is sent (one row each), so later membership changes never rewrite who
 * received it, and status reads are one indexed range.
 */
export type AnnouncementStatus = 'draft' | 'scheduled' | 'sent';
export const ANNOUNCEMENT_STATUSES: readonly AnnouncementStatus[] = ['draft', 'scheduled', 'sent'];

/** Who receives it: every member (`all`, the lists empty), or the union of some sub-groups'
 *  members and some members. The author is never a recipient (they follow it as its sender). */
export interface Audience {
  all: boolean;
  subgroup_ids: string[];
  user_ids: string[];
}

/** Attendance, shown ○ × △. */
export type Choice = 'yes' | 'no' | 'maybe';
export const CHOICES: readonly Choice[] = ['yes', 'no', 'maybe'];
export const CHOICE_MARKS: Readonly<Record<Choice, string>> = { yes: '○', no: '×', maybe: '△' };

export type QuestionKind = 'single' | 'multiple' | 'text';

export interface Question {
  /** `q1`, `q2`, … in order */
  id: string;
  kind: QuestionKind;
  text: string;
  /** the choices of single/multiple questions, answered by index; [] for text */
  options: string[];
  required: boolean;
}

export interface Slot {
  /** `s1`, `s2`, … in order */
  id: string;
  start: number;
  end: number | null;
  label: string;
}

export type AnswerSpec =
  | { type: 'attendance' }
  | { type: 'questionnaire'; questions: Question[] }
  | { type: 'date_poll'; slots: Slot[] };

export type AnswerType = AnswerSpec['type'];

/** One questionnaire answer, by question order: an option index (single), option indexes
 *  (multiple), text, or null (skipped; only for questions that are not required). */
export type QuestionAnswer = number | number[] | string | null;

/** A recipient's answer, normalised and checked against the announcement's AnswerSpec. */
export type Answer =
  | { type: 'attendance'; choice: Choice; comment: string | null }
  | { type: 'questionnaire'; answers: QuestionAnswer[] }
  | { type: 'date_poll'; slots: Record<string, Choice>; comment: string | null };

export interface Announcement {
  id: string;
  group_id: string;
  author_id: string;
  title: string;
  body: string;
  audience: Audience;
  /** also delivered by email (to members whose mail preference is not 'none') */
  email: boolean;
  answer_spec: AnswerSpec | null;
  /** answers are refused from this instant on; null: no deadline */
  deadline: number | null;
  status: AnnouncementStatus;
  /** when a scheduled one goes out */
  send_at: number | null;
  sent_at: number | null;
  created_at: number;
  updated_at: number;
  /** automatic re-sends to unread recipients, and the time between them */
  remind_count: number;
  remind_interval_ms: number;
  /** how long before the deadline non-answerers are reminded; 0: not at all */
  deadline_remind_ms: number;
  /** the last "remind unread now" */
  manual_reminded_at: number | null;
}

/** One recipient's state. */
export interface Recipient {
  announcement_id: string;
  user_id: string;
  read_at: number | null;
  answer: Answer | null;
  answered_at: number | null;
  /** automatic unread reminders sent so far */
  reminders_sent: number;
}

export interface RecipientView extends Recipient {
  /** '' for a person who left the service (shown as "Former member"). */
  name: string;
  /** false while the person has not proved their address: no announcement mail reaches them. */
  email_verified: boolean;
}

/** How to reach a recipient now: `mail_delivery` is null once they have left the group. */
export interface Contact {
  user_id: string;
  name: string;
  email: string;
  mail_delivery: MailDelivery | null;
}

export interface Attachment {
  id: string;
  group_id: string;
  /** null until an announcement claims it */
  announcement_id: string | null;
  uploaded_by: string;
  filename: string;
  content_type: string;
  size: number;
  created_at: number;
}

/** Counts over one announcement's recipients. */
export interface RecipientCounts {
  recipient_count: number;
  read_count: number;
  answered_count: number;
}

/** The counts, and every answer given (for the tally). */
export interface RecipientStats extends RecipientCounts {
  answers: Answer[];
}

/** An announcement with the viewer's own recipient row (undefined when not a recipient). */
export interface AnnouncementWithMine {
  announcement: Announcement;
  mine: Recipient | undefined;
}
