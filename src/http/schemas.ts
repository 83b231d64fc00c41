import { Type, type TSchema } from '@sinclair/typebox';
import { LIMITS } from '../config/limits.ts';
import { SLUG_PATTERN } from '../domain/group-service.ts';
import { ERROR_CODES } from '../domain/error-codes.ts';

/** Schemas at the HTTP edge: requests are validated here once, answers serialised from here. */

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z_-]+$' });
export const Timestamp = Type.Number({ description: 'epoch milliseconds' });
export const RoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('sender'), Type.Literal('member')]);

export const LanguageSchema = Type.Union([Type.Literal('ja'), Type.Literal('en')]);
export const UserSchema = Type.Object({
  id: Type.String(), email: Type.String(), name: Type.String(), created_at: Timestamp,
  email_verified: Type.Boolean({ description: 'false until the link mailed to the address was opened: no other mail goes to it until then' }),
  language: Type.Union([LanguageSchema, Type.Null()]),
});
export const PublicUserSchema = Type.Object({ id: Type.String(), name: Type.String() });

export const GroupSchema = Type.Object({
  id: Type.String(), name: Type.String(), slug: Type.String(), created_by: Type.String(), created_at: Timestamp, role: RoleSchema,
  member_emails_visible: Type.Optional(Type.Boolean({ description: 'Plain members see members\' email addresses (owners and senders always do). Given by GET /api/groups/:id.' })),
});

export const MemberSchema = Type.Object({
  group_id: Type.String(), user_id: Type.String(), role: RoleSchema, joined_at: Timestamp, name: Type.String(),
  email: Type.Union([Type.String(), Type.Null()], { description: 'Null for plain members unless the group sets member_emails_visible; owners and senders always see it.' }),
});

export const InviteSchema = Type.Object({
  code: Type.String(), group_id: Type.String(), created_by: Type.String(), created_at: Timestamp,
  expires_at: Type.Union([Timestamp, Type.Null()]), max_uses: Type.Union([Type.Integer(), Type.Null()]), uses: Type.Integer(),
  revoked_at: Type.Union([Timestamp, Type.Null()]),
});

export const SubgroupSchema = Type.Object({
  id: Type.String(), group_id: Type.String(), name: Type.String(), created_at: Timestamp,
  members: Type.Optional(Type.Array(Type.Object({ subgroup_id: Type.String(), user_id: Type.String(), leader: Type.Boolean() }))),
});

export const RoomSchema = Type.Object({
  id: Type.String(), group_id: Type.String(), name: Type.String(), created_by: Type.String(), created_at: Timestamp, last_seq: Type.Integer(),
});

export const MessageSchema = Type.Object({
  id: Type.String(), seq: Type.Integer(), room_id: Type.String(), author_id: Type.String(), body: Type.String(),
  reply_to: Type.Union([Type.String(), Type.Null()]), mentions: Type.Array(Type.String()), client_id: Type.Union([Type.String(), Type.Null()]),
  at: Timestamp, edited_at: Type.Union([Timestamp, Type.Null()]), deleted: Type.Boolean(),
});

export const UnreadSchema = Type.Object({
  room_id: Type.String(), group_id: Type.String(), last_seq: Type.Integer(), last_read_seq: Type.Integer(), unread: Type.Integer(),
});

export const ErrorSchema = Type.Object({
  error: Type.String(),
  code: Type.Union(Object.keys(ERROR_CODES).map((c) => Type.Literal(c))),
  message: Type.String(),
}, { additionalProperties: true });

export const Email = Type.String({ minLength: 3, maxLength: LIMITS.maxEmailLength, pattern: '^[^\\s@]+@[^\\s@]+$' });
export const Password = Type.String({ minLength: LIMITS.minPasswordLength, maxLength: LIMITS.maxPasswordLength });
export const Name = Type.String({ minLength: 1, maxLength: LIMITS.maxNameLength });
export const Slug = Type.String({ minLength: 1, maxLength: LIMITS.maxSlugLength, pattern: SLUG_PATTERN });
export const Body = Type.String({ maxLength: LIMITS.maxMessageChars * 2 });

/** Error answers every authenticated route may give, for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of [400, 401, ...statuses]) out[s] = ErrorSchema;
  return out;
}
