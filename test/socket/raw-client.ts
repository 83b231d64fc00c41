import { once } from 'node:events';
import WebSocket from 'ws';

/** A frame as it travels: `[join_ref, ref, topic, event, payload]`. */
export type Wire = [string | null, string | null, string, string, WirePayload];

export interface WirePayload {
  status?: 'ok' | 'error';
  response?: Record<string, unknown> & { reason?: string; message?: string; retry_after_ms?: number };
  [key: string]: unknown;
}

const WAIT_MS = 5000;

/**
 * A raw Phoenix V2 client over `ws`: it writes hand-made frames and reads every frame the
 * server sends, so tests see the wire exactly. Waits are bounded (5 s) and event-driven.
 */
export class RawClient {
  readonly ws: WebSocket;
  readonly frames: Wire[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextRef = 1;
  private waiters: Array<{ match: (f: Wire) => boolean; resolve: (f: Wire) => void }> = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Wire;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
  }

  static async connect(wsUrl: string, socketToken: string): Promise<RawClient> {
    const ws = new WebSocket(`${wsUrl}/socket/websocket?token=${encodeURIComponent(socketToken)}&vsn=2.0.0`);
    const client = new RawClient(ws);
    await once(ws, 'open');
    return client;
  }

  ref(): string {
    return String(this.nextRef++);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (already received or still to come) that matches. */
  next(match: (f: Wire) => boolean, what = 'a frame'): Promise<Wire> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<Wire>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames.slice(-5))}`)), WAIT_MS);
      this.waiters.push({ match, resolve: (f) => { clearTimeout(timer); resolve(f); } });
    });
  }

  reply(ref: string): Promise<Wire> {
    return this.next((f) => f[3] === 'phx_reply' && f[1] === ref, `the reply to ref ${ref}`);
  }

  /** Sends a frame and resolves with the payload of its reply. */
  async request(joinRef: string | null, topic: string, event: string, payload: unknown): Promise<WirePayload> {
    const ref = this.ref();
    this.send([joinRef, ref, topic, event, payload]);
    return (await this.reply(ref))[4];
  }

  /** Joins with join_ref = ref, as phoenix.js does; returns the join_ref and the reply payload. */
  async join(topic: string, params: Record<string, unknown> = {}): Promise<{ joinRef: string; reply: WirePayload }> {
    const ref = this.ref();
    this.send([ref, ref, topic, 'phx_join', params]);
    return { joinRef: ref, reply: (await this.reply(ref))[4] };
  }

  async heartbeat(): Promise<WirePayload> {
    return this.request(null, 'phoenix', 'heartbeat', {});
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) {
      this.ws.close();
      await this.closed;
    }
  }
}
