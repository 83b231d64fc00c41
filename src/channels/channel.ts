import type { EncodedFrame } from '../protocol/frame.ts';

/** What a channel may do towards its own client, bound to one join of one topic. */
export interface ChannelContext {
  readonly userId: string;
  readonly topic: string;
  readonly joinRef: string | null;
  /** `[join_ref, null, topic, event, payload]` to this client only. */
  push(event: string, payload: Record<string, unknown>): void;
  /** An already-encoded frame (a broadcast) to this client, as is. */
  write(frame: EncodedFrame): void;
  /** Ends this join with `phx_error {reason}` (the client rejoins): for a channel that can no longer keep its promise. */
  fail?(reason: string): void;
}

export interface JoinResult {
  /** The `response` of the ok reply. */
  response: Record<string, unknown>;
  /** Runs right after the ok reply is written, before any other frame of this socket is
   *  handled: flush what arrived while joining, push presence_state, track. */
  afterReply?: () => void;
}

/**
 * One joined topic on one socket. The socket session calls `join` once; on success `handleIn`
 * for each client event (in order, one at a time) and finally `leave` — on phx_leave, on a
 * rejoin of the topic, on revocation, when the socket closes, and also after a failed or
 * abandoned join, so `leave` must release whatever `join` acquired so far and be idempotent.
 * Errors are thrown as AppError (answered as error replies); anything else is a bug.
 */
export interface Channel {
  /** The group this channel belongs to (known once joined), so revoking a member's access to
   *  the group closes it; undefined for channels outside any group. */
  readonly groupId: string | undefined;
  join(ctx: ChannelContext, params: Record<string, unknown>): Promise<JoinResult>;
  /** The `response` of the ok reply to the event. */
  handleIn(event: string, payload: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * True when `handleIn(event, payload)` fixes this event's place in order synchronously (before
   * its first await): the session then starts it and goes on to the socket's next frame
   * without waiting for the answer, so one client's pushes share a group commit instead of
   * waiting a commit each. Absent means false (one at a time).
   */
  pipelines?(event: string, payload: Record<string, unknown>): boolean;
  /**
   * The join check again, as of now (after a role or sub-group change in `groupId`): false
   * closes the channel (phx_close). Reads the store, not a cache. Absent means the check cannot
   * change while membership stands (removal closes the channel anyway).
   */
  stillAllowed?(): Promise<boolean>;
  leave(): void;
}
