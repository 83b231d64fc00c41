import { Type } from '@sinclair/typebox';
import { MailDeliverySchema } from './announcement-schemas.ts';
import { Timestamp } from './schemas.ts';

/** Schemas of the mailing-list routes (src/http/routes/list-routes.ts). */

const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableTime = Type.Union([Timestamp, Type.Null()]);

export const ListModeSchema = Type.Union([Type.Literal('announce'), Type.Literal('discussion')], {
  description: 'announce (default): owners and senders post, anyone else is moderated; discussion (ML mode): every member posts.',
});

export const ListSchema = Type.Object({
  group_id: Type.String(),
  address: Type.String({ description: 'Where to post: <slug>@<list domain>.' }),
  list_id: Type.String({ description: 'The List-Id of its mail.' }),
  mode: ListModeSchema,
  from_rewrite: Type.Boolean({ description: 'DMARC mitigation: From "Name via Group" <list address>, Reply-To the poster.' }),
  time_zone: Type.String({ description: 'IANA zone the daily digest counts its days in.' }),
  room_id: Type.Union([Type.String(), Type.Null()], { description: 'The room list posts appear in (created with the first post).' }),
  updated_at: Timestamp,
});

export const PatchListBody = Type.Object({
  mode: Type.Optional(ListModeSchema),
  from_rewrite: Type.Optional(Type.Boolean()),
  time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false });

export const MyListSchema = Type.Object({
  delivery: MailDeliverySchema,
  self_copy: Type.Boolean({ description: 'Whether you get your own posts back by mail (default true).' }),
});

export const PatchMyListBody = Type.Object({
  delivery: Type.Optional(MailDeliverySchema),
  self_copy: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const ListAttachmentSchema = Type.Object({
  id: Type.String(), post_id: Type.String(), filename: Type.String(), content_type: Type.String(), size: Type.Integer(), created_at: Timestamp,
});

export const ListPostSchema = Type.Object({
  id: Type.String(),
  group_id: Type.String(),
  status: Type.Union([Type.Literal('held'), Type.Literal('published'), Type.Literal('rejected'), Type.Literal('dropped')]),
  reason: Type.Union([Type.Literal('not_member'), Type.Literal('not_permitted'), Type.Literal('unauthenticated'), Type.Literal('loop'), Type.Literal('auto_reply'), Type.Literal('no_sender'), Type.Null()]),
  from_address: Type.String(),
  from_name: Type.String(),
  user_id: NullableString,
  subject: Type.String(),
  text_body: Type.String(),
  html_body: Type.Union([Type.String({ description: 'Sanitized HTML.' }), Type.Null()]),
  message_id: NullableString,
  in_reply_to: NullableString,
  room_message_id: NullableString,
  decided_by: NullableString,
  decided_at: NullableTime,
  published_at: NullableTime,
  created_at: Timestamp,
  attachments: Type.Array(ListAttachmentSchema),
});
