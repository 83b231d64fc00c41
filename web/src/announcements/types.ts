/**
 * Announcement shapes as the server sends them, from its own modules (type-only: nothing of
 * the server reaches the bundle), so a change there is a type error here.
 */
import type { AnnouncementView, AttachmentView, MineView } from '../../../src/announcements/announcement-view.ts';
import type { Tally } from '../../../src/announcements/tally.ts';
import type { Answer, AnswerSpec, Choice, Question, QuestionAnswer, Slot } from '../../../src/announcements/types.ts';
import type { MailDelivery } from '../../../src/shared/mail-delivery.ts';

export type { AnnouncementView as Announcement, Answer, AnswerSpec, AttachmentView as Attachment, Choice, MailDelivery, MineView as Mine, Question, QuestionAnswer, Slot, Tally };

export interface RecipientCounts {
  recipient_count: number;
  read_count: number;
  answered_count: number;
}

/** One recipient as the status shows them to senders. */
export interface RecipientStatus {
  user_id: string;
  name: string;
  read_at: number | null;
  answer: Answer | null;
  answered_at: number | null;
  /** false: the person has not confirmed their address, so no mail reaches them (the app does). */
  email_verified: boolean;
}

/** `GET /api/announcements/:id/status`. */
export interface Status extends RecipientCounts {
  announcement_id: string;
  recipients: RecipientStatus[];
  tally: Tally | null;
}

/** `announcement:status` on `announcement:<id>`: one recipient changed, with the new totals. */
export interface StatusEvent extends RecipientCounts {
  announcement_id: string;
  user_id: string;
  read_at: number | null;
  answer: Answer | null;
  answered_at: number | null;
  tally: Tally | null;
}

/** What a person answers, as `PUT /api/announcements/:id/answer` takes it. */
export type AnswerInput =
  | { choice: Choice; comment: string | null }
  | { answers: QuestionAnswer[] }
  | { slots: Record<string, Choice>; comment: string | null };

/** The body of `POST /api/groups/:id/announcements` (and of PATCH for drafts). */
export interface AnnouncementInput {
  title: string;
  body: string;
  recipients: { all: boolean; subgroup_ids?: string[]; user_ids?: string[] };
  email: boolean;
  answer: AnswerSpecInput | null;
  deadline: number | null;
  send_at: number | null;
  draft: boolean;
  attachment_ids: string[];
}

export type AnswerSpecInput =
  | { type: 'attendance' }
  | { type: 'questionnaire'; questions: { text: string; kind: Question['kind']; options?: string[]; required?: boolean }[] }
  | { type: 'date_poll'; slots: { start: number; end?: number | null; label?: string }[] };
