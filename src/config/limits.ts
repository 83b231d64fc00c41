/**
 * Every limit and timeout of the server, with the reason for its value. Code imports these;
 * nothing else hard-codes a bound.
 */
export const LIMITS = {
  /** Largest WebSocket frame or LongPoll line we accept. A message body is ≤ 8 KB of text
   *  (≤ 32 KB in UTF-8 worst case) plus envelope; above this `ws` closes with 1009. */
  maxFrameBytes: 64 * 1024,
  /** Longest message body in characters (code points): a long chat message, not a document;
   *  announcements carry documents. */
  maxMessageChars: 8000,
  /** Phoenix's own cap; more channels on one socket is a client bug or abuse. */
  maxChannelsPerSocket: 100,
  /** Topics are `kind:<ulid>`; anything much longer is garbage. */
  maxTopicLength: 128,
  /** Longest event name; ours are short words. */
  maxEventLength: 64,
  /** Longest ref / join_ref string: phoenix.js sends small decimal integers. */
  maxRefLength: 32,
  /** Longest client_id: a UUID is 36 characters; leave room for other schemes. */
  maxClientIdLength: 64,
  /** Ids in event payloads (message ids, reply_to, mentions) are 26-character ULIDs; longer
   *  is garbage and refused before it reaches the store. */
  maxIdLength: 64,
  /** Mentions per message: a whole group should be addressed by an announcement instead. */
  maxMentions: 50,
  /** Joins per socket per second (token bucket): a reconnecting client rejoins < 100 topics at
   *  once, so a burst of 100 with 20/s refill never hurts it but stops join floods. */
  joinBurst: 100,
  joinRefillPerSecond: 20,
  /** Messages per user per socket: a burst of 30, then 10 per second. Humans never hit it;
   *  scripts are told `rate_limited` with `retry_after_ms`. */
  messageBurst: 30,
  messageRefillPerSecond: 10,
  /** Frames of one socket waiting behind a slow one (frames are handled in order). A client
   *  rejoining 100 channels has ~200 in flight; far more is a flood, and the socket is closed
   *  (1008) instead of queueing without bound. */
  maxPendingFrames: 1000,
  /** Typing events are throttled per user per room: at most one broadcast per this window. */
  typingThrottleMs: 2000,
  /** Phoenix closes a socket that sent nothing for 60 s (the client heartbeats every 30 s). */
  idleTimeoutMs: 60_000,
  /** How often the idle sweep runs: one timer for all sockets, not one per socket. */
  idleSweepMs: 5_000,
  /** A socket whose unsent bytes exceed this is a slow consumer: cut it off rather than let
   *  the server's memory grow; the client reconnects and recovers with last_seq. */
  maxBufferedBytes: 4 * 1024 * 1024,
  /** Recovery on join: at most this many missed messages in the join reply; beyond it
   *  `recovered: false` and the client pages history. */
  maxRecoveryMessages: 500,
  /** History page size bounds. */
  defaultHistoryLimit: 50,
  maxHistoryLimit: 200,
  /** LongPoll: a poll is held this long before answering 204 (Phoenix: 10 s). */
  longPollHoldMs: 10_000,
  /** LongPoll: a session with no poll for this long is closed (Phoenix: window of 15 s). */
  longPollSessionTimeoutMs: 15_000,
  /** LongPoll: at most this many NDJSON lines per POST (Phoenix's client batches ≤ 100). */
  longPollMaxLines: 100,
  /** LongPoll: one POST body. phoenix.js batches what was pushed in one tick (≤ 100 lines);
   *  each line is still ≤ maxFrameBytes, and 1 MB holds any real batch. */
  longPollMaxBodyBytes: 1024 * 1024,
  /** LongPoll: frames queued for a session that is not polling; past it the session is
   *  closed (a slow consumer, as on WebSocket). */
  longPollMaxQueued: 10_000,
  /** Presence diffs are merged per topic over this window, so a storm of N joins costs each
   *  member a few frames instead of N. */
  presenceBatchMs: 50,
  /** Socket tokens are short-lived; the web client fetches a fresh one per connect. */
  socketTokenTtlMs: 15 * 60_000,
  /** Browser/API sessions. */
  sessionTtlMs: 30 * 24 * 60 * 60_000,
  /** HTTP JSON bodies; attachments use their own route and limit. */
  maxHttpBodyBytes: 256 * 1024,
  /** Password bounds: long passphrases welcome, but scrypt input is bounded. */
  minPasswordLength: 8,
  maxPasswordLength: 256,
  /** Names, slugs and emails. */
  maxNameLength: 100,
  maxEmailLength: 254,
  maxSlugLength: 63,
  /** Invitation codes: 128 bits of randomness, base64url. */
  inviteCodeBytes: 16,
} as const;
