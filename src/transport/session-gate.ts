import type { TokenVerifier } from './connection.ts';

/** Whether the session a socket token names still stands (AccountService.sessionIsLive: one indexed read). */
export type SessionIsLive = (userId: string, sessionId: string) => Promise<boolean>;

/** Who a connection is: the user and the sign-in session its socket token names. */
export interface SocketIdentity {
  readonly userId: string;
  readonly sessionId: string;
}

/**
 * The connect check both transports share: the token's signature and expiry (no I/O, so a
 * forged token costs nothing), then one read that its session is live. A session ended while
 * that read is in flight (`ended`) is refused too, so no socket opens with a token whose
 * sessions' closing it missed. Rejects when the read fails (the caller answers "unavailable").
 */
export class SessionGate {
  private readonly tokens: TokenVerifier;
  private readonly isLive: SessionIsLive;
  private checking = 0;
  /** Sessions ended while checks were in flight; dropped when none is. */
  private endedWhileChecking: Set<string> | undefined;

  constructor(tokens: TokenVerifier, isLive: SessionIsLive) {
    this.tokens = tokens;
    this.isLive = isLive;
  }

  /** The signature check alone: undefined for a missing, expired or forged token. */
  verify(token: unknown): SocketIdentity | undefined {
    return this.tokens.verify(token);
  }

  /**
   * Calls `open` — at once, in the same turn as the check, so no ending can slip between — when
   * the session is live, and resolves with its result; undefined when it is not.
   */
  async admit<T>(identity: SocketIdentity, open: (identity: SocketIdentity) => T): Promise<T | undefined> {
    this.checking++;
    try {
      const live = await this.isLive(identity.userId, identity.sessionId);
      return live && !this.endedWhileChecking?.has(identity.sessionId) ? open(identity) : undefined;
    } finally {
      if (--this.checking === 0) this.endedWhileChecking = undefined;
    }
  }

  /** These sessions ended: a check in flight for one of them refuses it. */
  ended(sessionIds: readonly string[]): void {
    if (this.checking === 0) return;
    this.endedWhileChecking ??= new Set();
    for (const id of sessionIds) this.endedWhileChecking.add(id);
  }
}
