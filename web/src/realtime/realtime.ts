import { Socket } from 'phoenix';
import type { ApiClient } from '../api/api-client.ts';
import { CLIENT_LIMITS } from '../limits.ts';
import { Observable } from '../lib/observable.ts';

/**
 * `connecting`: never connected yet. `online`: socket open. `reconnecting`: was open, lost it,
 * phoenix.js is retrying. `offline`: the device says it has no network.
 */
export type LinkState = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface RealtimeDeps {
  api: ApiClient;
  /** The device's network status (`navigator.onLine` and its events). */
  network: Observable<boolean>;
  now?: () => number;
}

/**
 * The one phoenix.js Socket of a signed-in session, with a fresh socket token for every
 * connect: `params` is a function, read by phoenix.js at each (re)connect, and the token is
 * renewed before it expires and again after any failed connect. WebSocket first; LongPoll
 * after `longPollFallbackMs` when WebSockets do not get through (phoenix.js remembers that
 * for the browser session).
 */
export class Realtime {
  readonly state = new Observable<LinkState>('connecting');
  /** Counts opens: each one after the first is a reconnect (channels rejoin with last_seq). */
  readonly opens = new Observable(0);
  readonly socket: Socket;
  private readonly api: ApiClient;
  private readonly network: Observable<boolean>;
  private readonly now: () => number;
  private token = '';
  private expiresAt = 0;
  private refreshing: Promise<void> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private socketUp = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(deps: RealtimeDeps) {
    this.api = deps.api;
    this.network = deps.network;
    this.now = deps.now ?? Date.now;
    this.socket = new Socket('/socket', {
      params: () => ({ token: this.token }),
      longPollFallbackMs: CLIENT_LIMITS.longPollFallbackMs,
    });
    this.socket.onOpen(() => {
      this.socketUp = true;
      this.opens.update((n) => n + 1);
      this.publish();
    });
    const down = () => {
      if (this.stopped) return;
      this.socketUp = false;
      this.publish();
      if (this.expiresAt - this.now() < CLIENT_LIMITS.socketTokenRefreshMarginMs) void this.refresh();
    };
    this.socket.onError(down);
    this.socket.onClose(down);
    this.unsubscribe = this.network.subscribe(() => this.publish());
  }

  /** Fetches a socket token, then connects. */
  async start(): Promise<void> {
    await this.refresh();
    if (!this.stopped) this.socket.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.refreshTimer);
    this.unsubscribe();
    this.socket.disconnect();
  }

  /** A new token now (deduplicated), and the next renewal scheduled before it expires. */
  private refresh(): Promise<void> {
    this.refreshing ??= this.api.socketToken().then(
      ({ token, expires_at }) => {
        this.token = token;
        this.expiresAt = expires_at;
        clearTimeout(this.refreshTimer);
        const wait = Math.max(10_000, expires_at - this.now() - CLIENT_LIMITS.socketTokenRefreshMarginMs);
        if (!this.stopped) this.refreshTimer = setTimeout(() => void this.refresh(), wait);
      },
      () => {
        // Offline or the server is down: the next failed connect asks again.
      },
    ).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private publish(): void {
    if (!this.network.get()) this.state.set('offline');
    else if (this.socketUp) this.state.set('online');
    else this.state.set(this.opens.get() > 0 ? 'reconnecting' : 'connecting');
  }
}
