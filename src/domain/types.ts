/**
 * Entities as the domain sees them. Ids are ULIDs (time-sortable strings, see ids.ts);
 * every timestamp is epoch milliseconds.
 */
export type Role = 'owner' | 'sender' | 'member';
export const ROLES: readonly Role[] = ['owner', 'sender', 'member'];

export type Language = 'ja' | 'en';
export const LANGUAGES: readonly Language[] = ['ja', 'en'];

export interface User {
  id: string;
  email: string;
  name: string;
  created_at: number;
  /** false until the person opened the verification link mailed to `email` (0008-accounts). */
  email_verified: boolean;
  /** The language the person chose for mail and screens; null follows the browser. */
  language: Language | null;
}

export interface UserWithPassword extends User {
  password_hash: string;
}

/** A user as created: unset `email_verified` means verified (accounts an operator seeds or imports);
 *  sign-up always says false. */
export type NewUser = Omit<UserWithPassword, 'email_verified' | 'language'> & { email_verified?: boolean; language?: Language | null };

export interface Session {
  /** Public id (ULID): what the person sees in their session list and what socket tokens name. */
  id: string;
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  /** The browser or app that signed in, as it said (trimmed, bounded); null when not sent. */
  user_agent: string | null;
}

/** A session as created: without `id` it is the first 22 characters of the token hash (as 0008-accounts
 *  gave the sessions that existed), `last_used_at` defaults to `created_at`. */
export type NewSession = Pick<Session, 'token_hash' | 'user_id' | 'created_at' | 'expires_at'> & Partial<Pick<Session, 'id' | 'last_used_at' | 'user_agent'>>;

/** A session as its owner sees it in the session list. */
export type SessionView = Pick<Session, 'id' | 'created_at' | 'expires_at' | 'last_used_at' | 'user_agent'>;

/** A signed-in request: who, and through which session. */
export interface Authenticated {
  user: User;
  session_id: string;
}

/** What a mailed account link does: verify the sign-up address, confirm a new one, or reset the password. */
export type AccountTokenPurpose = 'verify_email' | 'change_email' | 'reset_password';

/** A single-use link token: stored as its SHA-256 only. */
export interface AccountToken {
  token_hash: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  /** The address this token proves (verify_email, change_email); null for resets. */
  email: string | null;
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
