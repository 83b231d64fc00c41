/**
 * Every bound and timeout of the web client, with the reason for its value (as the server's
 * src/config/limits.ts). Code imports these; nothing else hard-codes one.
 */
export const CLIENT_LIMITS = {
  /** phoenix.js waits this long for a WebSocket before trying LongPoll (a proxy that blocks
   *  WebSockets usually hangs rather than refusing). */
  longPollFallbackMs: 2500,
  /** A socket token lives 15 minutes (server LIMITS.socketTokenTtlMs); fetch a new one this
   *  long before it ends, so a reconnect never presents an expired one. */
  socketTokenRefreshMarginMs: 2 * 60_000,
  /** The server caps a socket at 100 channels: the user channel, one open room and an
   *  announcement view must fit beside the group channels, so follow at most this many groups
   *  live (the others' counts refresh when the socket rejoins). */
  maxGroupChannels: 90,
  /** The first page of a room, and each page when scrolling back (server max 200). */
  historyPageSize: 100,
  /** Pages fetched to reach the first unread message far back: the server's maximum. */
  jumpPageSize: 200,
  /** After a long disconnection (more than the server's 500-message recovery bound), fetch
   *  at most this many pages forward; beyond that start over from the newest page. */
  maxCatchUpPages: 10,
  /** Replies to pushes (posts, edits, reads): after this the push is retried or reported. */
  pushTimeoutMs: 10_000,
  /** The server drops typing events more often than one per 2 s per user; send no more. */
  typingSendIntervalMs: 2500,
  /** A "typing" mark fades after this without renewal. */
  typingShowMs: 4000,
  /** Reading is reported once the newest message has been on screen this long (and not for
   *  every scroll event). */
  readReportDelayMs: 400,
  /** A draft is saved to the device after this much quiet typing. */
  draftSaveDelayMs: 300,
  /** Rows rendered above and below the screen, in screen heights, so fast flicks show text. */
  overscanScreens: 1,
  /** Height assumed for a message not yet measured. */
  estimatedRowPx: 72,
  /** Older history loads when the view is this close to the top of what is held. */
  loadOlderWithinPx: 600,
  /** A first connect slower than this shows "connecting…". */
  slowConnectMs: 1500,
  /** How long "connected again" stays up after a reconnect. */
  reconnectedNoticeMs: 4000,
} as const;
