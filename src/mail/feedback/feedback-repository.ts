/**
 * What the mail feedback code (bounces, answers by reply, joins by mail) keeps in the store. No
 * driver types; implemented once with Kysely for SQLite and PostgreSQL
 * (src/adapters/store/feedback-repository.ts), tables from migration 0006.
 */

/** A member's bounce standing. Scores are kept in half points (soft 1, hard 2) so they stay whole numbers. */
export interface BounceStanding {
  user_id: string;
  /** In points: a hard bounce adds 1, a soft one 0.5. */
  score: number;
  /** When the score last rose; at most one rise per `minRaiseIntervalMs`. */
  last_raised_at: number | null;
  /** When mail to the member was paused (score reached the threshold); null while mail flows. */
  paused_at: number | null;
}

export type DsnSeverity = 'hard' | 'soft';

/** One delivery status notification about one outbox row, as received. */
export interface DsnEvent {
  /** The inbound mail it came in (with outbox_id, the idempotency key). */
  mail_id: string;
  outbox_id: string;
  user_id: string;
  severity: DsnSeverity;
  /** The RFC 3463 status, e.g. `5.1.1`. */
  status: string;
  at: number;
}

export interface BouncePolicy {
  /** A member's score rises at most once in this window (a day): one bad day is one point. */
  minRaiseIntervalMs: number;
  /** Points at which mail to the member pauses. */
  threshold: number;
}

export interface DsnOutcome {
  /** false when this mail's DSN for this row was recorded before (a re-run): nothing changed. */
  recorded: boolean;
  /** The score rose (false within a day of the last rise). */
  raised: boolean;
  /** This DSN paused the member's mail (it was not paused before). */
  newlyPaused: boolean;
  standing: BounceStanding;
}

export type ReplyOutcome = 'answered' | 'comment' | 'refused' | 'ignored';

/** An answer by reply, as processed: kept per inbound mail, which makes processing idempotent. */
export interface MailReply {
  mail_id: string;
  announcement_id: string;
  user_id: string;
  outcome: ReplyOutcome;
  /** 'yes' | 'no' | 'maybe' when the reply counted as an answer. */
  choice: string | null;
  comment: string | null;
  /** The error code when the answer was refused (deadline_passed, not_recipient, …). */
  error: string | null;
  received_at: number;
}

/**
 * A request to join a group by mail. `unconfirmed` until the address owner follows the link
 * mailed to them; then `pending` (an owner decides) or `joined`; `rejected` when an owner says no.
 */
export type JoinRequestStatus = 'unconfirmed' | 'pending' | 'joined' | 'rejected';
export const JOIN_REQUEST_STATUSES: readonly JoinRequestStatus[] = ['unconfirmed', 'pending', 'joined', 'rejected'];
/** A request still open: a second mail from the same address reuses it. */
export const OPEN_JOIN_STATUSES: readonly JoinRequestStatus[] = ['unconfirmed', 'pending'];

export interface JoinRequest {
  id: string;
  group_id: string;
  /** The address that asked (the From of the mail), as written. */
  address: string;
  status: JoinRequestStatus;
  /** The inbound mail that asked. */
  source_mail_id: string;
  /** The account that confirmed (found by address, or created on confirmation). */
  user_id: string | null;
  created_at: number;
  confirmed_at: number | null;
  decided_at: number | null;
  decided_by: string | null;
}

export interface FeedbackRepository {
  /**
   * Records a DSN and applies the bounce policy, in one transaction: a DSN already recorded
   * (same mail, same row) changes nothing; otherwise the score rises (unless it rose within the
   * interval) and, at the threshold, mail pauses. Safe when two nodes process at once.
   */
  recordDsn(event: DsnEvent, policy: BouncePolicy): Promise<DsnOutcome>;
  /** Standings of these users (those with none have never bounced). */
  standings(userIds: readonly string[]): Promise<BounceStanding[]>;
  /** The users among these whose mail is paused. */
  pausedAmong(userIds: readonly string[]): Promise<Set<string>>;
  /** Mail flows again, score back to 0; false when the member was not paused and had no score. */
  unpause(userId: string, at: number): Promise<boolean>;
  /** Scores of members not paused whose last rise is at or before `cutoff` go back to 0; returns how many. */
  decay(cutoff: number): Promise<number>;

  /** Stores reply tokens; existing (announcement, user) pairs are kept as they are. */
  putReplyTokens(rows: readonly { token: string; announcement_id: string; user_id: string; created_at: number }[]): Promise<void>;
  findReplyToken(token: string): Promise<{ announcement_id: string; user_id: string } | undefined>;
  /** false when this mail was recorded before. */
  recordReply(reply: MailReply): Promise<boolean>;
  findReply(mailId: string): Promise<MailReply | undefined>;
  /** Replies to one announcement, oldest first. */
  listReplies(announcementId: string): Promise<MailReply[]>;

  /**
   * The open request of this address for this group, or else the request made by this mail,
   * or else `request` inserted. `created` tells which.
   */
  openJoinRequest(request: JoinRequest): Promise<{ request: JoinRequest; created: boolean }>;
  findJoinRequest(id: string): Promise<JoinRequest | undefined>;
  listJoinRequests(groupId: string, status?: JoinRequestStatus): Promise<JoinRequest[]>;
  /** Applies `changes` when the request is in one of `from`; the updated request, or undefined. */
  moveJoinRequest(id: string, from: readonly JoinRequestStatus[], changes: Partial<Pick<JoinRequest, 'status' | 'user_id' | 'confirmed_at' | 'decided_at' | 'decided_by'>>): Promise<JoinRequest | undefined>;
  /** Whether a confirmed mail join adds the member at once (true) or waits for an owner (false, the default). */
  joinsDirectly(groupId: string): Promise<boolean>;
  setJoinsDirectly(groupId: string, direct: boolean, at: number): Promise<void>;
}
