import type { Announcement, Answer, AnswerSpec, Attachment, Audience, Recipient, RecipientCounts } from './types.ts';

export interface AttachmentView {
  id: string;
  filename: string;
  content_type: string;
  size: number;
  /** where to download it (recipients and senders only) */
  url: string;
}

/** The viewer's own state, when they are a recipient. */
export interface MineView {
  read_at: number | null;
  answer: Answer | null;
  answered_at: number | null;
}

/** An announcement as clients see it (HTTP answers, `announcement:new`): its fields, with
 *  `recipients` and `answer` named as clients send them, and no internal bookkeeping. */
export type AnnouncementView = Omit<Announcement, 'audience' | 'answer_spec' | 'manual_reminded_at'> & {
  recipients: Audience;
  answer: AnswerSpec | null;
  attachments: AttachmentView[];
  /** present when the viewer is a recipient */
  me?: MineView;
  /** present for viewers who see its status, once sent */
  counts?: RecipientCounts;
};

export function attachmentView(a: Attachment): AttachmentView {
  return { id: a.id, filename: a.filename, content_type: a.content_type, size: a.size, url: `/api/attachments/${a.id}` };
}

export function mineView(r: Recipient): MineView {
  return { read_at: r.read_at, answer: r.answer, answered_at: r.answered_at };
}

/** Pure: the announcement with what this viewer may see of it. */
export function announcementView(a: Announcement, extra: { attachments: readonly Attachment[]; mine?: Recipient | undefined; counts?: RecipientCounts | undefined }): AnnouncementView {
  const { audience, answer_spec, manual_reminded_at: _internal, ...fields } = a;
  return {
    ...fields,
    recipients: audience,
    answer: answer_spec,
    attachments: extra.attachments.map(attachmentView),
    ...(extra.mine ? { me: mineView(extra.mine) } : {}),
    ...(extra.counts ? { counts: extra.counts } : {}),
  };
}
