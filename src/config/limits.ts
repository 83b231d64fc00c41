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
  /** Bigger rooms batch longer: the window doubles with each doubling of a topic's subscribers
   *  past this many, up to presenceBatchMaxMs, so a room's presence traffic stays near
   *  500 frames per second (subscribers ÷ window) however fast people join; a person appears
   *  online at most that much later. */
  presenceBatchSubscribers: 25,
  presenceBatchMaxMs: 1_600,
  /** A join storm: this many joins in one topic's window under way (200 a second into one
   *  room at the base window) stretch that window to presenceStormMs from then, and a window
   *  that ended with this many joins and leaves makes the next one as long, so a room filling
   *  up shows its members one diff per storm window instead of one per base window; the next
   *  quiet window ends it. */
  presenceStormChanges: 10,
  presenceStormMs: 400,
  /** A room with this many people present is crowded: members are shown a count
   *  (`presence_count`) instead of per-member presence, which would cost every join a frame to
   *  every member (N² frames for N joins) and a state of N entries to every joiner. Below 80%
   *  of it the full presence comes back (docs/architecture.md). */
  presenceCrowdedAt: 500,
  /** Room joins keep rooms, memberships and names this long (JoinCache): a reconnect storm reads
   *  each once, not once per join. Removal from a group still takes effect at once (the cache
   *  drops the membership on the revocation); only a display name may lag by this much. */
  joinCacheTtlMs: 60_000,
  /** Entries a JoinCache keeps per TTL (tens of bytes each): a node's whole active population fits. */
  joinCacheMaxEntries: 200_000,
  /** After this many membership misses of one group within the TTL, JoinCache reads the group's
   *  whole member list once (ids and names) instead of two queries per joiner. */
  joinCacheGroupLoadAfter: 32,
  /** TCP connections waiting to be accepted. Node's default (511) overflows when thousands of
   *  clients reconnect at once (a restart, a network blip) and their SYNs are dropped for
   *  seconds; the kernel caps this at net.core.somaxconn (4096 on current Linux). */
  listenBacklog: 4_096,
  /** Cluster presence: each node tells the others it is alive (with its presence version) this
   *  often; a lost delta is noticed at the next heartbeat and repaired by a state transfer. */
  presenceHeartbeatMs: 1_000,
  /** Cluster presence: a node not heard from for this long is down and its presences leave on
   *  every other node. Ten heartbeats, so a GC pause or a slow bus is not mistaken for a crash
   *  (Phoenix.Tracker waits 30 s; people notice a ghost "online" long before that). */
  presenceDownMs: 10_000,
  /** Cluster presence: a state transfer is cut into messages of at most this many bytes, under
   *  Redis's pub/sub output-buffer soft limit (8 MB over 60 s) even when several are in flight. */
  presenceStateChunkBytes: 256 * 1024,
  /** Cluster bus: reconnect backoff grows by this step per attempt up to the cap, so a restarted
   *  Redis is found again within ~2 s without every node hammering it. */
  busReconnectStepMs: 100,
  busReconnectMaxDelayMs: 2_000,
  /** Cluster bus: how long start-up waits for Redis before giving up with a clear error. */
  busConnectTimeoutMs: 10_000,
  /** Cluster bus: causes of a resync seen within this window (this node's reconnect, other nodes
   *  saying they dropped messages) make one resync, so clients rejoin once, not once per node. */
  busResyncCoalesceMs: 500,
  /** Cluster: a LongPoll request forwarded to the node owning the session waits at most this
   *  long for the answer (a held poll lasts longPollHoldMs), else 410 and the client reconnects. */
  busRequestTimeoutMs: 12_000,
  /** Cluster: a room message that overtakes an earlier seq (broadcasts from two nodes race) waits
   *  this long for it before the gap is read from the store — long enough for a race on a healthy
   *  bus, short enough that a message lost with a crashed node arrives with little delay. */
  seqGapWaitMs: 250,
  /** Cluster membership: each node refreshes its registry entry this often; the entry expires
   *  after nodeTtlMs, so a crashed node disappears from the live set within ~6 s. */
  nodeHeartbeatMs: 2_000,
  nodeTtlMs: 6_000,
  /** Socket tokens are short-lived; the web client fetches a fresh one per connect. */
  socketTokenTtlMs: 15 * 60_000,
  /** Browser/API sessions. */
  sessionTtlMs: 30 * 24 * 60 * 60_000,
  /** HTTP JSON bodies; attachments use their own route and limit. */
  maxHttpBodyBytes: 256 * 1024,
  /** A form posted to the page of a signed mail link (one-click unsubscribe, join by mail): a few short fields. */
  maxPageFormBytes: 4096,
  /** Password bounds: long passphrases welcome, but scrypt input is bounded. */
  /** A mailed address-verification link lives a day: long enough for someone who reads mail once
   *  a day, short enough that an old mailbox leak does not prove an address. */
  emailVerificationTtlMs: 24 * 60 * 60_000,
  /** A password-reset link lives an hour (OWASP's forgot-password guidance: short-lived, single use). */
  passwordResetTtlMs: 60 * 60_000,
  /** A session's last-used time is written at most this often: a write per request would turn every
   *  read into a write; a minute is precise enough for "last used" in the session list. */
  sessionTouchIntervalMs: 60_000,
  /** Longest user agent kept with a session: enough to tell devices apart in the session list. */
  maxUserAgentLength: 256,
  minPasswordLength: 8,
  maxPasswordLength: 256,
  /** Names, slugs and emails. */
  maxNameLength: 100,
  maxEmailLength: 254,
  maxSlugLength: 63,
  /** Invitation codes: 128 bits of randomness, base64url. */
  inviteCodeBytes: 16,
  /** Announcements: a title is a subject line; a body is a document (a school letter, minutes),
   *  far longer than a chat message yet bounded so one mail and one row stay small. */
  maxAnnouncementTitleChars: 200,
  maxAnnouncementBodyChars: 20_000,
  /** Explicit recipients in one announcement (sub-groups and members): a group is ≤ 10,000
   *  people; "everyone" needs no list. */
  maxAnnouncementRecipientIds: 10_000,
  /** Questionnaires and date polls: what one screen can show and one CSV can hold. */
  maxQuestions: 20,
  maxOptions: 20,
  maxPollSlots: 50,
  maxQuestionChars: 500,
  maxOptionChars: 200,
  maxTextAnswerChars: 2_000,
  maxCommentChars: 1_000,
  /** Unread reminders: default two re-sends 30 minutes apart (the seed's practice), at most 5,
   *  never closer than 5 minutes or further than a week apart: more is spam. */
  defaultRemindCount: 2,
  maxRemindCount: 5,
  defaultRemindIntervalMs: 30 * 60_000,
  minRemindIntervalMs: 5 * 60_000,
  maxRemindIntervalMs: 7 * 24 * 60 * 60_000,
  /** Times a client gives (deadlines, send_at, date-poll slots), epoch ms: from 2000-01-01 to
   *  2200-01-01 UTC. Far wider than any notice needs, far inside what a JavaScript Date holds
   *  (±8.64e15): an unbounded number would be stored, then fail to render in mail and CSV. */
  minEpochMs: Date.UTC(2000, 0, 1),
  maxEpochMs: Date.UTC(2200, 0, 1),
  /** Non-answerers are reminded this long before the deadline (0 turns it off). */
  defaultDeadlineRemindMs: 24 * 60 * 60_000,
  /** "Remind unread now" at most this often per announcement: each press mails every unread. */
  manualRemindMinIntervalMs: 5 * 60_000,
  /** Read links in announcement mail stay valid this long: mail is read late, but a link is a
   *  bearer credential for "mark read", so it does expire. */
  readLinkTtlMs: 60 * 24 * 60 * 60_000,
  /** Announcement list page size. */
  defaultAnnouncementPage: 50,
  maxAnnouncementPage: 200,
  /** Attachments: one upload (a scanned letter, a photo), at most this many per announcement. */
  maxAttachmentBytes: 10 * 1024 * 1024,
  maxAttachmentsPerAnnouncement: 10,
  maxFilenameChars: 200,
  /** Types people attach to a school or club notice. No HTML, SVG or scripts: a download is
   *  served from our origin, so anything a browser would run is refused. */
  attachmentTypes: [
    'application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/heic', 'text/plain', 'text/csv',
    'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ],
  /** Uploads no announcement claimed are deleted after this long (a draft is written within a day). */
  unclaimedUploadTtlMs: 24 * 60 * 60_000,
  /** An immediate send is re-checked by a job this much later: if the process died after
   *  committing the send (with its mail), the job schedules its reminders (else it is a no-op). */
  sendRecheckDelayMs: 60_000,
  /** Announcement mails enqueued per outbox call: a 10,000-member group is ten commits, and
   *  no more than this many rendered mails are held in memory at once. */
  announcementMailBatch: 1_000,
  /** Scheduler: how long a claimed job occurrence is held before any node may take it over.
   *  A live node renews its leases at every poll, so only a crashed or stalled node loses one;
   *  far above the ±2 s clock skew we tolerate between nodes (a node ahead sees a lease end
   *  early by its skew), and short enough that a crashed node's work resumes within a minute. */
  jobLeaseMs: 60_000,
  /** Scheduler: how often each node looks for due jobs (one claim query): a job starts at most
   *  this late, and a cluster of N nodes costs the store N small queries per second. */
  jobPollMs: 1_000,
  /** Scheduler: claims of one occurrence (a failure or an expired lease each count) before it
   *  is recorded as failed: enough to ride out a relay or database blip, few enough that a
   *  poison job stops within minutes. */
  jobMaxAttempts: 5,
  /** Scheduler: retry delay after a failed attempt, doubling from the base up to the cap
   *  (10 s, 20 s, 40 s, 80 s), so a struggling dependency is not hammered. */
  jobRetryBaseMs: 10_000,
  jobRetryMaxMs: 10 * 60_000,
  /** Scheduler: after a late poll, cron occurrences this recent all run; older missed ones
   *  collapse into the latest, so an outage of the whole cluster runs a job once, not once per
   *  missed occurrence. Several polls wide, so a slow poll never skips one. */
  jobCatchUpMs: 10_000,
  /** Scheduler: stop() waits this long for running handlers, then releases their claims so
   *  another node takes them over at once: a deploy never hangs on a stuck job. */
  jobStopGraceMs: 10_000,
  /** Scheduler: one-off jobs claimed per node per poll; the rest wait for the next poll or
   *  another node, so a burst (a thousand reminders due at once) is spread out. */
  jobClaimBatch: 50,
  /** Scheduler: a failed handler's error is stored up to this many characters. */
  jobMaxErrorChars: 2_000,
  /** Scheduler: finished job rows are kept this long (a week of history for operators). */
  jobHistoryMs: 7 * 24 * 60 * 60_000,
  /** Outbound mail: rows one dispatcher pass claims. Enough to keep the SMTP pool busy; few
   *  enough that a crashed dispatcher strands little until its lease runs out. */
  mailBatchSize: 100,
  /** How long a claim on outbox rows holds: far longer than a batch takes with a working relay.
   *  After it, another dispatcher (or this one restarted) takes a crashed one's rows over. */
  mailLeaseMs: 10 * 60_000,
  /** A send starts only while this much of its lease is left. One send is bounded by the SMTP
   *  timeouts below, so a send never outlives its claim and two dispatchers never overlap. */
  mailMaxSendMs: 2 * 60_000,
  /** SMTP client timeouts (nodemailer's defaults are 2 min, 30 s and 10 min): a dead relay
   *  must fail fast, so the batch is handed back instead of hanging on it. */
  smtpConnectionTimeoutMs: 10_000,
  smtpGreetingTimeoutMs: 10_000,
  smtpSocketTimeoutMs: 60_000,
  /** Pooled SMTP connections to the relay, and so sends in flight: smarthosts limit clients
   *  per connection and per IP; five keep one busy without looking like a flood. */
  mailPoolSize: 5,
  /** Retries of 4xx answers and unreachable relays: 1 min doubling up to 1 h, at most 30
   *  attempts (about a day). Greylisting passes within minutes; a relay down for more than a
   *  day needs an operator, and the rows stay `failed` with their last error. */
  mailRetryBaseMs: 60_000,
  mailRetryMaxMs: 60 * 60_000,
  mailMaxAttempts: 30,
  /** With nothing due, the dispatcher still looks this often: mail enqueued by another node
   *  does not wake it. */
  mailIdlePollMs: 30_000,
  /** An outbox message_key (`ann:<ulid>:remind:<n>` and the like). */
  maxMailKeyLength: 200,
  /** The last SMTP error kept on an outbox row. */
  mailMaxErrorChars: 1_000,
  /** Operations (src/ops, `renraku diag`). A trace stops at its own --max/--seconds, which may
   *  not exceed these: an operator's forgotten trace must end by itself. */
  opsTraceMaxEvents: 10_000,
  opsTraceMaxSeconds: 300,
  /** A trace records at most this many events per second, dropping (and counting) the rest,
   *  so tracing a hot topic costs the node a bounded amount of work. */
  opsTraceEventsPerSecond: 100,
  /** Resolution of a connection's last-activity times in `diag conn`: a clock read per frame
   *  would cost more than the rest of the counting. */
  opsActivityClockMs: 1_000,
  /** A `/metrics` scrape pings the store; a store that does not answer within this is down,
   *  and the scrape does not hang on it. */
  opsStorePingTimeoutMs: 2_000,
  /** Traces running at once on a node. */
  opsMaxTraces: 4,
  /** A traced event's preview: enough to see what happened, never a whole upload. */
  opsTracePreviewChars: 300,
  /** A heap snapshot stops the event loop for roughly a second per 100 MB and needs about as
   *  much memory again: above this used heap, `diag heap-snapshot` refuses without --force. */
  opsHeapSnapshotMaxBytes: 512 * 1024 * 1024,
  /** `diag profile --seconds`: the profiler slows the node by a few percent while it runs. */
  opsProfileMaxSeconds: 60,
  /** `diag top -n`; `--window` for rates (recon's proc_window) in seconds. */
  opsTopMax: 200,
  opsTopWindowMaxSeconds: 10,
  /** Every other diag request, and each node's answer to a `--cluster` one, ends within this. */
  opsRequestTimeoutMs: 10_000,
  /** A diag request line on the admin socket. */
  opsMaxRequestBytes: 16 * 1024,
  /** Zabbix: how often key metrics are pushed, and how long a push or a passive-agent
   *  exchange may take (the Zabbix server's own default Timeout is 3 s). */
  zabbixPushIntervalMs: 60_000,
  zabbixTimeoutMs: 3_000,
  /** Largest request a passive-agent client may send: an item key, a few hundred bytes. */
  zabbixMaxRequestBytes: 4 * 1024,
  /** Inbound SMTP: the header block of one message, as Postfix's header_size_limit (100 KB): a
   *  10,000-line header is an attack or a broken loop, refused with 552 before it is parsed. */
  maxInboundHeaderBytes: 100 * 1024,
  /** Inbound SMTP: recipients per message (RFC 5321 requires accepting at least 100). */
  maxInboundRecipients: 100,
  /** Inbound SMTP: an idle client is dropped after this (smtp-server's default, stated). */
  inboundSocketTimeoutMs: 60_000,
  /** Inbound SMTP: connections at once (Postfix's default smtpd process limit is 100); more
   *  are told 421 and retry, instead of one flood exhausting memory. */
  inboundMaxClients: 100,
  /** Inbound SMTP: how often the STARTTLS certificate's files are checked for a renewal (a stat
   *  of two files; certificates are renewed days before they expire). */
  smtpTlsCheckMs: 60_000,
  /** Inbound processing: runs of one handler on one delivery before it is left for an operator
   *  (a crash counts: the attempt is recorded before the handler runs). */
  inboundMaxAttempts: 5,
  /** Inbound processing: deliveries one recovery pass picks up; the pass repeats until none is left. */
  inboundRecoveryBatch: 100,
  /** Inbound processing: a handler that failed (a store blip) is retried by a job this often,
   *  for messages older than `inboundRetryAfterMs` (fresh ones are still being processed). */
  inboundRetryCron: '*/5 * * * *',
  inboundRetryAfterMs: 2 * 60_000,
  /** Inbound mail (raw, up to 25 MB each) is kept this long, then deleted by a daily job. Far
   *  beyond the 5 days a sender retries a message (RFC 5321 4.5.4.1), so dedupe still holds
   *  for every retry; the posts themselves are kept. */
  inboundKeepMs: 30 * 24 * 60 * 60_000,
  inboundPruneCron: '17 4 * * *',
  /** Mailing list: the text of one post kept (a mail body can be megabytes; a post is read). */
  maxListPostChars: 200_000,
  /** Mailing list: the daily digest job looks every 15 minutes, so every time zone's midnight
   *  (also +05:45 and +08:45 ones) is met within a quarter of an hour. */
  listDigestCron: '*/15 * * * *',
  /** Mailing list: moderation queue page size. */
  maxListPage: 200,
  /** Sign-in: failed attempts per account per window. Five slips of a person's memory pass;
   *  an online guesser gets 20 tries an hour (480 a day) instead of thousands a second. A
   *  success clears the account's count. */
  loginFailuresPerAccount: 5,
  loginFailureWindowMs: 15 * 60_000,
  /** Sign-in: failed attempts per client address per window (the same window). One address
   *  may be a school or an office behind NAT, so far above the per-account budget; it stops
   *  one host spraying a common password over many accounts. */
  loginFailuresPerAddress: 100,
  /** Sign-up: new accounts per client address per hour. A family or a class signs up a few
   *  at a time; a script creating accounts is stopped at ten. */
  signupsPerAddress: 10,
  signupWindowMs: 60 * 60_000,
  /** Password reset: requests per client address and per email address per hour. Each sends
   *  a mail, so they bound the mail a stranger can make us send to one inbox (3) or at all (5). */
  passwordResetsPerAddress: 5,
  passwordResetsPerEmail: 3,
  passwordResetWindowMs: 60 * 60_000,
  /** Verification mail: resends per user per hour (each is a mail to the same inbox). */
  verificationResendsPerUser: 5,
  verificationResendWindowMs: 60 * 60_000,
  /** Password strength: only this many leading characters are estimated. The estimate is
   *  superlinear in length (a 256-character password takes seconds of CPU, a denial of service
   *  through sign-up); 64 characters take under 0.1 s, and 64 strong ones are strong anyway. */
  passwordStrengthMaxChars: 64,
} as const;
