/**
 * Every WebSocket close code the server sends, with why. phoenix.js 1.8 reconnects after any
 * close it did not ask for; a reconnecting client rejoins with `last_seq` and loses nothing.
 * LongPoll has no close codes: a closed session answers its next poll with status 410 (403 when
 * its sign-in session ended, sessionEnded below).
 * The same table is in docs/errors.md.
 *
 * Slow consumers (more than LIMITS.maxBufferedBytes unsent) get no close code: the socket is
 * terminated at once, because a close frame would wait behind the backlog. The client sees
 * 1006 (abnormal closure), reconnects and recovers with `last_seq`.
 */
export const CLOSE_CODES = {
  /** The server is shutting down (or draining this node): reconnect, maybe to another node. */
  goingAway: 1001,
  /** A frame that cannot be read: not JSON, not a 5-array `[join_ref, ref, topic, event, payload]`,
   *  no usable ref/topic, a malformed binary frame, or invalid UTF-8 (sent by `ws` itself). */
  invalidFrame: 1007,
  /** The client broke a rule that has no reply to carry it (too many frames in flight). */
  policyViolation: 1008,
  /** A frame over LIMITS.maxFrameBytes (sent by `ws` itself). */
  messageTooBig: 1009,
  /** The sign-in session the socket token names ended (logout, session revoked, password
   *  changed or reset, account deleted): a reconnect with the same token is refused (403). */
  sessionEnded: 4401,
  /** Nothing received for LIMITS.idleTimeoutMs (the client heartbeats every 30 s). */
  idleTimeout: 4408,
} as const;

/** A close reason must fit in 123 bytes of UTF-8; longer ones are cut. */
export function closeReason(reason: string): string {
  let out = reason;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}
