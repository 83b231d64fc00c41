/**
 * Every bound and timeout of the benchmark harness, with the reason for its value. A run never
 * waits without one of these: a hung server or a lost message ends the run with an error or a
 * "missing" count, never with a harness that waits forever.
 */
export const BENCH_LIMITS = {
  /** Start-up: tsx loads the whole source tree and the store migrates — 3 s on an idle machine,
   *  over 30 s seen while other test suites share the two cores; 90 s only catches a server
   *  that will never come up. */
  serverStartMs: 90_000,
  /** A server is asked to stop with SIGTERM and killed after this long. */
  serverStopMs: 5_000,
  /** The seed command writes users straight into the store: 20,000 users take seconds; 5 min
   *  still bounds a wedged seed. */
  seedMs: 5 * 60_000,
  /** One HTTP request of the API fallback seeder (scrypt signups queue on the thread pool). */
  httpRequestMs: 20_000,
  /** Signups through the API cost ~50 ms of scrypt each: above this many users the seed command
   *  is required, the API fallback would take minutes. */
  maxApiSeedUsers: 500,
  /** Default wait for a harness RPC (worker or server probe) that is not a long phase. */
  rpcMs: 60_000,
  /** One WebSocket handshake. A storm of 10,000 reconnects queues in the accept backlog and
   *  SYN retries back off 1, 3, 7 s: 30 s separates slow from dead. */
  connectMs: 30_000,
  /** A join or push reply; a push is answered only once durably stored. */
  replyMs: 30_000,
  /** Joins slower than this per worker (Renraku: ~80/s into one 1,000-member room with
   *  presence) fail the run with a timeout instead of holding the machine for many minutes. */
  minJoinsPerSecond: 25,
  /** Draining deliveries: stop waiting when no new frame arrived for this long... */
  drainIdleMs: 10_000,
  /** ...or after this long in all. */
  drainMs: 180_000,
  /** After joins, presence frames keep flowing (batched diffs); "settled" means none for this
   *  long, measured at most for settleMs. Memory is sampled only once the server is idle. */
  settleQuietMs: 1_000,
  settleMs: 30_000,
  /** Phoenix clients heartbeat every 30 s; the server closes a socket silent for 60 s. */
  heartbeatMs: 30_000,
  /** Open files per process are capped at 20,000 here: 400 are left for node's own (epoll,
   *  pipes, the IPC channel, stdio), so one worker holds a whole 19,500-connection run. */
  maxConnectionsPerWorker: 19_600,
  /** Ephemeral ports are 32768–60999 (28k) per source address; stay well below. */
  connectionsPerSourceAddress: 20_000,
  /** Statistics are polled this often while draining or settling. */
  pollMs: 100,
  /** Server output kept for error messages (lines). */
  serverLogLines: 60,
  /** `web`: a production build of the client takes ~10 s here, a minute with the cores shared. */
  webBuildMs: 180_000,
  /** `web`: one page load to the first screen under 4× CPU throttling takes about a second;
   *  30 s means the screen never came. */
  webRenderMs: 30_000,
  /** `mail`: one SMTP step of the poster (connect, greeting, a reply). The server answers 250
   *  only once the post is committed: milliseconds idle, seconds with the cores shared; 30 s
   *  means it is stuck. */
  smtpMs: 30_000,
} as const;
