/** Where a reply about a bad frame can go: the frame named a usable ref and topic. */
export interface ReplyAddress {
  readonly joinRef: string | null;
  readonly ref: string;
  readonly topic: string;
}

/**
 * A frame that cannot be processed. `reason` is the channel reply reason (an error code);
 * with `replyTo` the socket answers that ref with an error reply, without it the frame was
 * unreadable (not JSON, not a 5-array, no usable ref/topic) and the socket is closed.
 */
export class ProtocolError extends Error {
  readonly reason: 'invalid_frame' | 'invalid_payload';
  readonly replyTo: ReplyAddress | undefined;

  constructor(reason: 'invalid_frame' | 'invalid_payload', message: string, replyTo?: ReplyAddress) {
    super(message);
    this.name = 'ProtocolError';
    this.reason = reason;
    this.replyTo = replyTo;
  }
}
