import type { Role } from '../../domain/types.ts';

/**
 * The tables as Kysely sees them, after every migration. Timestamps are epoch milliseconds
 * (PostgreSQL `bigint`, read back as numbers by the pool's int8 parser). Booleans are 0/1
 * integers on both dialects, so one code path reads and writes them; repositories turn rows
 * into the domain's types and never hand a row out as is.
 */
export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  groups: GroupsTable;
  memberships: MembershipsTable;
  subgroups: SubgroupsTable;
  subgroup_members: SubgroupMembersTable;
  invites: InvitesTable;
  rooms: RoomsTable;
  messages: MessagesTable;
  read_markers: ReadMarkersTable;
}

export interface UsersTable {
  id: string;
  /** as the user typed it */
  email: string;
  /** `email.toLowerCase()`: the unique key and the lookup column */
  email_lower: string;
  name: string;
  password_hash: string;
  created_at: number;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

export interface GroupsTable {
  id: string;
  name: string;
  slug: string;
  created_by: string;
  created_at: number;
}

export interface MembershipsTable {
  group_id: string;
  user_id: string;
  role: Role;
  joined_at: number;
}

export interface SubgroupsTable {
  id: string;
  group_id: string;
  name: string;
  created_at: number;
}

export interface SubgroupMembersTable {
  subgroup_id: string;
  user_id: string;
  /** 0 or 1 */
  leader: number;
}

export interface InvitesTable {
  code: string;
  group_id: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  max_uses: number | null;
  uses: number;
  revoked_at: number | null;
}

export interface RoomsTable {
  id: string;
  group_id: string;
  name: string;
  created_by: string;
  created_at: number;
  last_seq: number;
}

export interface MessagesTable {
  id: string;
  room_id: string;
  seq: number;
  author_id: string;
  body: string;
  reply_to: string | null;
  /** JSON array of user ids */
  mentions: string;
  client_id: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

export interface ReadMarkersTable {
  room_id: string;
  user_id: string;
  last_read_seq: number;
  updated_at: number;
}
