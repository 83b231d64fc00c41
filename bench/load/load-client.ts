import { BENCH_LIMITS } from '../core/limits.ts';
import { nowUs } from '../core/clock.ts';
import { SeqTracker } from '../core/seq-tracker.ts';
import type { SourceEndpoint } from '../core/loopback.ts';
import type { ClientSocket, ClientSocketFactory } from './client-socket.ts';
import type { Incoming, WireProtocol } from './wire-protocol.ts';

export interface Reply {
  ok: boolean;
  response: Record<string, unknown>;
}

/** Where a client reports what it receives: one sink per worker aggregates every client. */
export interface ClientSink {
  delivery(sentUs: number, receivedUs: number): void;
  other(event: string, bytes: number): void;
  dropped(code: number): void;
}

/** A joined topic: seqs received; deliveries that beat the join reply wait in `early`. */
export interface TopicState {
  joinRef: number;
  tracker: SeqTracker | null;
  early: number[];
}

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One simulated user: a WebSocket connection (made by `socketOf`: the `ws` client or the lean
 * one) speaking `wire`, its joined topics with the seqs they received, and the replies it awaits
 * (each bounded by `replyMs`). Kept small — a worker holds ten thousand of these.
 */
export class LoadClient {
  private ws: ClientSocket | null = null;
  private nextRef = 1;
  private closing = false;
  /** pushes sent so far: numbers each push's client_id, unique for the client's lifetime */
  pushes = 0;
  private readonly pending = new Map<number, Pending>();
  readonly topics = new Map<string, TopicState>();

  constructor(
    readonly index: number,
    readonly token: string,
    private readonly wire: WireProtocol,
    private readonly sink: ClientSink,
    private readonly socketOf: ClientSocketFactory,
  ) {}

  get isOpen(): boolean {
    return this.ws?.isOpen === true;
  }

  /**
   * Opens the socket from `from` and resolves once the protocol handshake is done. When that
   * port is taken (by another program), retries once letting the kernel pick the port.
   */
  async connect(base: string, from: SourceEndpoint): Promise<void> {
    try {
      await this.open(base, from.address, from.port);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EADDRNOTAVAIL') throw e;
      await this.open(base, from.address, undefined);
    }
  }

  private open(base: string, localAddress: string, localPort: number | undefined): Promise<void> {
    this.closing = false;
    this.ws = null;
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => fail(new Error('handshake timeout')), BENCH_LIMITS.connectMs);
      const done = () => {
        ready = true;
        clearTimeout(timer);
        resolve();
      };
      const fail = (e: Error) => {
        clearTimeout(timer);
        if (!ready) {
          ready = true;
          this.ws?.terminate();
          reject(e);
        }
      };
      this.ws = this.socketOf(
        { base, path: this.wire.path(this.token), from: { address: localAddress, port: localPort } },
        {
          open: () => {
            if (this.wire.readyOnOpen) done();
          },
          error: (e) => fail(e),
          close: (code) => {
            this.failPending(new Error(`closed (${code})`));
            if (!ready) fail(new Error(`closed before ready (${code})`));
            else if (!this.closing) this.sink.dropped(code);
          },
          message: (data) => {
            const received = nowUs();
            const frame = this.wire.decode(data);
            if (frame.kind === 'ready') done();
            else this.handle(frame, received, data.length);
          },
        },
      );
    });
  }

  private handle(frame: Incoming, receivedUs: number, bytes: number): void {
    switch (frame.kind) {
      case 'delivery': {
        this.sink.delivery(frame.sentUs, receivedUs);
        const t = this.topics.get(frame.topic);
        if (!t) this.sink.other('msg:not-joined', bytes);
        else if (t.tracker) t.tracker.add(frame.seq);
        else t.early.push(frame.seq);
        return;
      }
      case 'reply': {
        const p = this.pending.get(frame.ref);
        if (!p) return this.sink.other('reply:unmatched', bytes);
        this.pending.delete(frame.ref);
        clearTimeout(p.timer);
        p.resolve({ ok: frame.ok, response: frame.response });
        return;
      }
      case 'answer':
        this.ws?.send(frame.frame);
        return;
      case 'other':
        this.sink.other(frame.event, bytes);
        return;
      case 'ready':
        return;
    }
  }

  private request(build: (ref: number) => string): Promise<Reply> {
    const ws = this.ws;
    if (!ws?.isOpen) return Promise.reject(new Error('not open'));
    const ref = this.nextRef++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(new Error('reply timeout'));
      }, BENCH_LIMITS.replyMs);
      this.pending.set(ref, { resolve, reject, timer });
      ws.send(build(ref));
    });
  }

  /**
   * Joins `topic`; with `lastSeq` asks for the missed messages. The tracker keeps counting from
   * `lastSeq` on a rejoin (so duplicates across the gap are caught), or starts at the seq the
   * reply reports on a first join.
   */
  async join(topic: string, lastSeq?: number): Promise<Reply> {
    const state: TopicState = this.topics.get(topic) ?? { joinRef: 0, tracker: null, early: [] };
    this.topics.set(topic, state);
    const ref = this.nextRef;
    const reply = await this.request((r) => this.wire.join(r, topic, lastSeq === undefined ? {} : { last_seq: lastSeq }));
    state.joinRef = ref;
    if (reply.ok && !state.tracker) {
      const seq = typeof reply.response.last_seq === 'number' ? reply.response.last_seq : 0;
      state.tracker = new SeqTracker(seq);
      for (const s of state.early) state.tracker.add(s);
      state.early = [];
    }
    return reply;
  }

  push(topic: string, body: string, clientId: string): Promise<Reply> {
    const joinRef = this.topics.get(topic)?.joinRef ?? 0;
    return this.request((ref) => this.wire.push(ref, joinRef, topic, body, clientId));
  }

  heartbeat(): void {
    if (!this.isOpen) return;
    const frame = this.wire.heartbeat(this.nextRef++);
    if (frame) this.ws?.send(frame);
  }

  /** Drops the connection at once (no close handshake), like a phone losing its network. */
  disconnect(): void {
    this.closing = true;
    this.ws?.terminate();
    this.ws = null;
  }

  private failPending(e: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }
}
