/**
 * The server's JSON shapes. Where the server's own domain types are what goes over the wire
 * they are imported (type-only: nothing of the server reaches the bundle), so a change there
 * is a type error here; the rest are as `src/http/schemas.ts` and the channels define them.
 */
import type { MessageView } from '../../../src/domain/message-view.ts';
import type { GroupWithRole, Invite, MemberView, Role, Room, SubgroupView, User } from '../../../src/domain/types.ts';

export type { Invite, Role, Room, User };
export type Group = GroupWithRole;
export type Member = MemberView;
export type Message = MessageView;
export type Subgroup = SubgroupView;

export interface InvitePreview {
  group: { id: string; name: string; slug: string };
  valid: boolean;
}

/** One room's read state (`user:<id>` join reply and `unread` events; `/api/me/unread`). */
export interface RoomUnread {
  room_id: string;
  group_id: string;
  last_seq: number;
  last_read_seq: number;
  unread: number;
}

/** `room:<id>` join reply: with `last_seq` in the params, what was missed since. */
export interface RoomJoinReply {
  last_seq: number;
  messages?: Message[];
  recovered?: boolean;
}

/** `msg:new` ok reply. */
export interface PostReply {
  id: string;
  seq: number;
  at: number;
}

/** A refused push or join: `{reason, message, ...details}` (docs/errors.md). */
export interface ChannelError {
  reason: string;
  message?: string;
  retry_after_ms?: number;
}
