/**
 * Entities as the domain sees them. Ids are ULIDs (time-sortable strings, see ids.ts);
 * every timestamp is epoch milliseconds.
 */
export type Role = 'owner' | 'sender' | 'member';
export const ROLES: readonly Role[] = ['owner', 'sender', 'member'];

export interface User {
  id: string;
  email: string;
  name: string;
  created_at: number;
}

export interface UserWithPassword extends User {
  password_hash: string;
}

export interface Session {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

export interface Group {
  id: string;
  name: string;
  slug: string;
  created_by: string;
  created_at: number;
}

export interface Membership {
  group_id: string;
  user_id: string;
  role: Role;
  joined_at: number;
}

export interface MemberView extends Membership {
  name: string;
  email: string;
}

export interface GroupWithRole extends Group {
  role: Role;
}

export interface Subgroup {
  id: string;
  group_id: string;
  name: string;
  created_at: number;
}

export interface SubgroupMember {
  subgroup_id: string;
  user_id: string;
  leader: boolean;
}

export interface SubgroupView extends Subgroup {
  members: SubgroupMember[];
}

export interface Invite {
  code: string;
  group_id: string;
  created_by: string;
  created_at: number;
  /** null: never expires */
  expires_at: number | null;
  /** null: unlimited */
  max_uses: number | null;
  uses: number;
  revoked_at: number | null;
}

export interface Room {
  id: string;
  group_id: string;
  name: string;
  created_by: string;
  created_at: number;
  /** seq of the newest message; 0 for an empty room */
  last_seq: number;
}

export interface Message {
  id: string;
  room_id: string;
  /** strictly +1 per room, no gaps, starting at 1 */
  seq: number;
  author_id: string;
  /** '' once deleted (a tombstone keeps id, seq and author) */
  body: string;
  /** id of the message this one answers, or null */
  reply_to: string | null;
  /** user ids mentioned in the body */
  mentions: string[];
  client_id: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

export interface NewMessage {
  id: string;
  room_id: string;
  author_id: string;
  body: string;
  reply_to: string | null;
  mentions: string[];
  client_id: string | null;
  created_at: number;
}

export interface RoomReadState {
  room_id: string;
  group_id: string;
  last_seq: number;
  last_read_seq: number;
}
