/**
 * How the domain reaches connected clients without knowing sockets: implemented by the
 * real-time layer (src/pubsub/pubsub.ts), which delivers on every node.
 */
export interface Notifier {
  /**
   * Deliver `event` with `payload` to every subscriber of `topic` on every node. `seq`, when
   * given, lets a channel that is still joining drop what its recovery reply already holds.
   */
  broadcast(topic: string, event: string, payload: Record<string, unknown>, meta?: { seq?: number }): void;
  /** Close at once, on every node, every channel of `userId` that belongs to `groupId`. */
  revokeGroupAccess(userId: string, groupId: string): void;
  /** On every node, run again the join check of each channel of `userId` in `groupId` and close
   *  (phx_close) those it now refuses: after a role or sub-group change that may take access away. */
  recheckGroupAccess(userId: string, groupId: string): void;
  /** Close at once, on every node, every socket of `userId` opened with one of these sessions
   *  (signed out, revoked, password reset, account deleted). */
  closeSessions(userId: string, sessionIds: readonly string[]): void;
}
