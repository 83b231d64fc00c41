import type { AnnouncementRepository } from '../announcements/announcement-repository.ts';
import type { AttachmentStorage } from '../shared/attachment-storage.ts';
import type { AccountDataRepository } from '../accounts/account-data-repository.ts';
import type { AccountTokenRepository } from '../accounts/account-token-repository.ts';
import type {
  Authenticated, Group, GroupWithRole, Language, Invite, MemberView, Membership, Message, NewMessage, Role, Room,
  RoomReadState, NewSession, NewUser, SessionView, Subgroup, SubgroupView, User, UserWithPassword,
} from './types.ts';
import type { OutboxRepository } from '../mail/outbox-repository.ts';
import type { JobRepository } from '../scheduler/job-repository.ts';
import type { ListRepository } from '../lists/list-repository.ts';
import type { InboundRepository } from '../mail/inbound/inbound-repository.ts';
import type { FeedbackRepository } from '../mail/feedback/feedback-repository.ts';

/**
 * The store as the domain sees it: repositories only, no driver types. Implemented once with
 * Kysely for SQLite and PostgreSQL (src/adapters/store/); one contract suite
 * (test/store/store-contract.ts) runs against both.
 *
 * Conflicts the caller must be told about are thrown as AppError (email_taken, slug_taken);
 * "not found" is `undefined`, never an exception.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Every node of a cluster reads and writes this same store (PostgreSQL); false for one process's SQLite file. */
  readonly sharedAcrossNodes: boolean;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  /** Single-use mailed links: address verification, address change, password reset. */
  readonly accountTokens: AccountTokenRepository;
  /** One person's data across every table: export and erasure (leaving the service). */
  readonly accountData: AccountDataRepository;
  readonly groups: GroupRepository;
  readonly invites: InviteRepository;
  readonly rooms: RoomRepository;
  readonly messages: MessageRepository;
  readonly reads: ReadMarkerRepository;
  readonly bulk: BulkRepository;
  readonly announcements: AnnouncementRepository;
  /** Outbound mail, one row per recipient and message (the port lives with the mail code). */
  readonly outbox: OutboxRepository;
  /** The durable scheduler's jobs (the port lives with the scheduler). */
  readonly jobs: JobRepository;
  /** The mailing lists: settings, posts, moderation, digests (the port lives with the list code). */
  readonly lists: ListRepository;
  /** Inbound mail as the SMTP server committed it (the port lives with the inbound mail code). */
  readonly inbound: InboundRepository;
  /** What comes back by mail: bounce standings, answers by reply, joins by mail (port with the feedback code). */
  readonly feedback: FeedbackRepository;
  /** Attachment bytes in the database: what a cluster over PostgreSQL stores uploads in (every node reads them); one process on SQLite keeps files instead. */
  readonly attachments: AttachmentStorage;
  /** Apply pending migrations; returns the names applied now (empty when up to date). */
  migrate(): Promise<string[]>;
  /** Tells `listener` the duration of each query from now on (metrics); optional. */
  observeQueries?(listener: (seconds: number, failed: boolean) => void): void;
  /** A cheap round trip, for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface UserRepository {
  /** Throws AppError('email_taken') when the (case-insensitive) email exists. */
  create(user: NewUser): Promise<User>;
  /** An account that has not left the service, by its (case-insensitive) email. */
  findByEmail(email: string): Promise<UserWithPassword | undefined>;
  /** Any account, also one that left (then anonymized: name '', a `.invalid` address). */
  findById(id: string): Promise<User | undefined>;
  findPasswordHash(id: string): Promise<string | undefined>;
  /** Marks the address verified if it is still the account's address and not yet verified. */
  markEmailVerified(id: string, email: string, at: number): Promise<boolean>;
  /** Makes `email` the account's (verified) address; AppError('email_taken') when another has it. */
  changeEmail(id: string, email: string, at: number): Promise<boolean>;
  updateProfile(id: string, changes: { name?: string; language?: Language | null }): Promise<User | undefined>;
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
}

export interface SessionRepository {
  create(session: NewSession): Promise<void>;
  /** The user and session id of an unexpired session, or undefined. */
  findUser(tokenHash: string, now: number): Promise<(Authenticated & { last_used_at: number }) | undefined>;
  /** Whether the session exists, belongs to the user and has not expired (socket tokens name their session). */
  isLive(id: string, userId: string, now: number): Promise<boolean>;
  touch(id: string, at: number): Promise<void>;
  /** The user's unexpired sessions, newest first. */
  listForUser(userId: string, now: number): Promise<SessionView[]>;
  /** Returns the session deleted (its id and user), if any. */
  delete(tokenHash: string): Promise<{ id: string; user_id: string } | undefined>;
  deleteById(userId: string, id: string): Promise<boolean>;
  /** Every session of the user (but `exceptId`); returns the ids deleted. */
  deleteForUser(userId: string, exceptId?: string): Promise<string[]>;
  deleteExpired(now: number): Promise<number>;
}

export interface GroupRepository {
  /** Creates the group and its owner's membership in one transaction; AppError('slug_taken'). */
  create(group: Group, ownerJoinedAt: number): Promise<Group>;
  findById(id: string): Promise<Group | undefined>;
  findBySlug(slug: string): Promise<Group | undefined>;
  listForUser(userId: string): Promise<GroupWithRole[]>;
  getMembership(groupId: string, userId: string): Promise<Membership | undefined>;
  listMembers(groupId: string): Promise<MemberView[]>;
  /** Whether plain members see members' email addresses (false for an unknown group). */
  memberEmailsVisible(groupId: string): Promise<boolean>;
  /** False when the group does not exist. */
  setMemberEmailsVisible(groupId: string, visible: boolean): Promise<boolean>;
  /** Inserts; returns false (and changes nothing) when already a member. */
  addMember(membership: Membership): Promise<boolean>;
  /** Also removes the user from the group's sub-groups. Returns false when not a member. */
  removeMember(groupId: string, userId: string): Promise<boolean>;
  setRole(groupId: string, userId: string, role: Role): Promise<boolean>;
  countOwners(groupId: string): Promise<number>;
  createSubgroup(subgroup: Subgroup): Promise<Subgroup>;
  findSubgroup(id: string): Promise<Subgroup | undefined>;
  listSubgroups(groupId: string): Promise<SubgroupView[]>;
  /** Upsert: adding an existing member updates `leader`. */
  putSubgroupMember(subgroupId: string, userId: string, leader: boolean): Promise<void>;
  removeSubgroupMember(subgroupId: string, userId: string): Promise<boolean>;
  deleteSubgroup(id: string): Promise<boolean>;
}

export type InviteConsumeResult =
  | { ok: true; invite: Invite }
  | { ok: false; reason: 'invite_not_found' | 'invite_expired' | 'invite_revoked' | 'invite_used_up' };

export interface InviteRepository {
  create(invite: Invite): Promise<Invite>;
  find(code: string): Promise<Invite | undefined>;
  listForGroup(groupId: string): Promise<Invite[]>;
  /** Atomically takes one use, unless revoked, expired or used up (safe under concurrency). */
  consume(code: string, now: number): Promise<InviteConsumeResult>;
  revoke(code: string, now: number): Promise<boolean>;
}

export interface RoomRepository {
  create(room: Room): Promise<Room>;
  findById(id: string): Promise<Room | undefined>;
  listForGroup(groupId: string): Promise<Room[]>;
}

export interface AppendResult {
  message: Message;
  /** false when (room_id, author_id, client_id) existed: `message` is the first one stored. */
  created: boolean;
}

export interface MessageRepository {
  /**
   * Stores a message with the room's next seq, atomically: seq rises by exactly one per room
   * with no gaps or repeats, also under concurrent writers on PostgreSQL. With a client_id that
   * this author already used in this room, stores nothing and returns the first message.
   */
  append(message: NewMessage): Promise<AppendResult>;
  /** The same as calling append for each, in order, in as few transactions as possible. */
  appendMany(messages: NewMessage[]): Promise<AppendResult[]>;
  /** Gets the append path ready now (SQLite starts its append thread), so that the first
   *  append does not wait for it. Optional; appends work without it. */
  warmUp?(): void;
  findById(id: string): Promise<Message | undefined>;
  /** Ascending by seq; afterSeq/beforeSeq exclusive; at most `limit`. With beforeSeq only, the newest `limit` before it. */
  range(roomId: string, opts: { afterSeq?: number; beforeSeq?: number; limit: number }): Promise<Message[]>;
  /** Returns the updated message, or undefined when absent or deleted (a tombstone is never revived). */
  edit(id: string, body: string, mentions: string[], at: number): Promise<Message | undefined>;
  /** Tombstone: body '' and deleted_at set; id, seq, author kept. */
  markDeleted(id: string, at: number): Promise<Message | undefined>;
}

export interface ReadMarkerRepository {
  /** Moves the marker forward only (max of old and new); returns the resulting last_read_seq. */
  advance(roomId: string, userId: string, seq: number, at: number): Promise<number>;
  get(roomId: string, userId: string): Promise<number>;
  /** For every room of every group the user belongs to: last_seq and the user's last_read_seq (0 if none). */
  listForUser(userId: string): Promise<RoomReadState[]>;
}

/** Loading many rows at once (seeding, imports): one transaction, no per-row round trips. */
export interface BulkRepository {
  /** Inserts the users, then the memberships (whose groups must exist), in one transaction. */
  insertUsers(users: NewUser[], memberships: Membership[]): Promise<void>;
  /** Sessions for seeded users (socket tokens name a session that must exist). */
  insertSessions(sessions: NewSession[]): Promise<void>;
}
