import { Type } from '@sinclair/typebox';
import { LIMITS } from '../config/limits.ts';
import { Id, Timestamp } from './schemas.ts';

/** Schemas of the announcement routes (requests validated once here; answers serialised). */

const Time = Type.Integer({ minimum: LIMITS.minEpochMs, maximum: LIMITS.maxEpochMs, description: 'epoch milliseconds, years 2000 to 2200' });
const NullableTime = Type.Union([Timestamp, Type.Null()]);
export const ChoiceSchema = Type.Union([Type.Literal('yes'), Type.Literal('no'), Type.Literal('maybe')], { description: 'yes ○, no ×, maybe △' });
const IdList = Type.Array(Id, { maxItems: LIMITS.maxAnnouncementRecipientIds });

const QuestionInput = Type.Object({
  text: Type.String({ minLength: 1, maxLength: LIMITS.maxQuestionChars }),
  kind: Type.Union([Type.Literal('single'), Type.Literal('multiple'), Type.Literal('text')]),
  options: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.maxOptionChars }), { maxItems: LIMITS.maxOptions })),
  required: Type.Optional(Type.Boolean()),
});

const SlotInput = Type.Object({
  start: Time,
  end: Type.Optional(Type.Union([Time, Type.Null()])),
  label: Type.Optional(Type.String({ maxLength: LIMITS.maxOptionChars })),
});

export const AnswerSpecInputSchema = Type.Union([
  Type.Object({ type: Type.Literal('attendance') }),
  Type.Object({ type: Type.Literal('questionnaire'), questions: Type.Array(QuestionInput, { minItems: 1, maxItems: LIMITS.maxQuestions }) }),
  Type.Object({ type: Type.Literal('date_poll'), slots: Type.Array(SlotInput, { minItems: 1, maxItems: LIMITS.maxPollSlots }) }),
], { description: 'Ask for an answer: attendance (○ × △), a questionnaire, or a date poll.' });

const announcementFields = {
  title: Type.String({ minLength: 1, maxLength: LIMITS.maxAnnouncementTitleChars }),
  body: Type.String({ maxLength: LIMITS.maxAnnouncementBodyChars }),
  recipients: Type.Optional(Type.Object({
    all: Type.Optional(Type.Boolean()),
    subgroup_ids: Type.Optional(IdList),
    user_ids: Type.Optional(IdList),
  }, { description: 'Default: everyone. Otherwise the members of these sub-groups and these members; never the author.' })),
  email: Type.Optional(Type.Boolean({ description: 'Also by email (default true); members who chose mail "none" get none.' })),
  answer: Type.Optional(Type.Union([AnswerSpecInputSchema, Type.Null()])),
  deadline: Type.Optional(Type.Union([Time, Type.Null()], { description: 'Answers are refused from then on (needs an answer request).' })),
  send_at: Type.Optional(Type.Union([Time, Type.Null()], { description: 'Schedule it; absent or null: send now (unless a draft).' })),
  draft: Type.Optional(Type.Boolean({ description: 'Keep it as a draft; false sends (or schedules) a draft.' })),
  remind_count: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.maxRemindCount, description: 'Automatic re-sends to unread recipients (default 2).' })),
  remind_interval_ms: Type.Optional(Type.Integer({ minimum: LIMITS.minRemindIntervalMs, maximum: LIMITS.maxRemindIntervalMs, description: 'Between re-sends (default 30 min).' })),
  deadline_remind_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.maxRemindIntervalMs, description: 'Remind non-answerers this long before the deadline (default 24 h; 0: never).' })),
  attachment_ids: Type.Optional(Type.Array(Id, { maxItems: LIMITS.maxAttachmentsPerAnnouncement, description: 'Uploads (POST /api/groups/:id/attachments) to attach.' })),
};

export const CreateAnnouncementBody = Type.Object(announcementFields);
export const PatchAnnouncementBody = Type.Partial(Type.Object(announcementFields));

export const AnswerBody = Type.Object({
  choice: Type.Optional(ChoiceSchema),
  comment: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.maxCommentChars }), Type.Null()])),
  answers: Type.Optional(Type.Array(
    Type.Union([Type.Integer(), Type.Array(Type.Integer(), { maxItems: LIMITS.maxOptions }), Type.String({ maxLength: LIMITS.maxTextAnswerChars }), Type.Null()]),
    { maxItems: LIMITS.maxQuestions, description: 'Questionnaire: one per question in order — an option index, option indexes, text, or null.' },
  )),
  slots: Type.Optional(Type.Record(Type.String({ maxLength: 8 }), ChoiceSchema, { description: 'Date poll: slot id → yes/no/maybe.' })),
}, { description: 'Attendance {choice, comment?}; questionnaire {answers}; date poll {slots, comment?}.' });

const QuestionSchema = Type.Object({
  id: Type.String(), kind: Type.Union([Type.Literal('single'), Type.Literal('multiple'), Type.Literal('text')]), text: Type.String(),
  options: Type.Array(Type.String()), required: Type.Boolean(),
});
const SlotSchema = Type.Object({ id: Type.String(), start: Timestamp, end: NullableTime, label: Type.String() });

export const AnswerSpecSchema = Type.Union([
  Type.Object({ type: Type.Literal('attendance') }),
  Type.Object({ type: Type.Literal('questionnaire'), questions: Type.Array(QuestionSchema) }),
  Type.Object({ type: Type.Literal('date_poll'), slots: Type.Array(SlotSchema) }),
]);

export const AnswerSchema = Type.Union([
  Type.Object({ type: Type.Literal('attendance'), choice: ChoiceSchema, comment: Type.Union([Type.String(), Type.Null()]) }),
  Type.Object({ type: Type.Literal('questionnaire'), answers: Type.Array(Type.Union([Type.Integer(), Type.Array(Type.Integer()), Type.String(), Type.Null()])) }),
  Type.Object({ type: Type.Literal('date_poll'), slots: Type.Record(Type.String(), ChoiceSchema), comment: Type.Union([Type.String(), Type.Null()]) }),
]);

const Counts = { yes: Type.Integer(), no: Type.Integer(), maybe: Type.Integer() };
export const TallySchema = Type.Union([
  Type.Object({ type: Type.Literal('attendance'), answered: Type.Integer(), unanswered: Type.Integer(), ...Counts }),
  Type.Object({
    type: Type.Literal('questionnaire'), answered: Type.Integer(), unanswered: Type.Integer(),
    questions: Type.Array(Type.Object({ id: Type.String(), answered: Type.Integer(), counts: Type.Array(Type.Integer()) })),
  }),
  Type.Object({ type: Type.Literal('date_poll'), answered: Type.Integer(), unanswered: Type.Integer(), slots: Type.Array(Type.Object({ id: Type.String(), ...Counts })) }),
  Type.Null(),
]);

export const MineSchema = Type.Object({ read_at: NullableTime, answer: Type.Union([AnswerSchema, Type.Null()]), answered_at: NullableTime });
const CountsSchema = Type.Object({ recipient_count: Type.Integer(), read_count: Type.Integer(), answered_count: Type.Integer() });

export const AttachmentSchema = Type.Object({
  id: Type.String(), filename: Type.String(), content_type: Type.String(), size: Type.Integer(), url: Type.String(),
});

export const AnnouncementSchema = Type.Object({
  id: Type.String(), group_id: Type.String(), author_id: Type.String(), title: Type.String(), body: Type.String(),
  recipients: Type.Object({ all: Type.Boolean(), subgroup_ids: Type.Array(Type.String()), user_ids: Type.Array(Type.String()) }),
  email: Type.Boolean(),
  answer: Type.Union([AnswerSpecSchema, Type.Null()]),
  deadline: NullableTime,
  status: Type.Union([Type.Literal('draft'), Type.Literal('scheduled'), Type.Literal('sent')]),
  send_at: NullableTime, sent_at: NullableTime, created_at: Timestamp, updated_at: Timestamp,
  remind_count: Type.Integer(), remind_interval_ms: Type.Integer(), deadline_remind_ms: Type.Integer(),
  attachments: Type.Array(AttachmentSchema),
  me: Type.Optional(MineSchema),
  counts: Type.Optional(CountsSchema),
});

export const StatusSchema = Type.Object({
  announcement_id: Type.String(),
  recipients: Type.Array(Type.Object({
    user_id: Type.String(), name: Type.String({ description: "'' for a person who left the service" }), read_at: NullableTime, answer: Type.Union([AnswerSchema, Type.Null()]), answered_at: NullableTime,
    email_verified: Type.Boolean({ description: 'false: the person has not confirmed their address, so no mail reaches them' }),
  })),
  tally: TallySchema,
  recipient_count: Type.Integer(), read_count: Type.Integer(), answered_count: Type.Integer(),
});

export const MailDeliverySchema = Type.Union([Type.Literal('each'), Type.Literal('digest'), Type.Literal('none')], {
  description: 'each: every mail; digest: list mail as a daily digest (announcements still come one by one); none: no mail at all.',
});
