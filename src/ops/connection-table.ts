import { LIMITS } from '../config/limits.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import type { EncodedFrame } from '../protocol/frame.ts';
import type { AcceptConnection, Connection } from '../transport/connection.ts';
import { CLOSE_CODES, closeReason } from '../transport/close-codes.ts';

/** One connection as an operator sees it (`diag conn`, `diag top`). Sizes are string lengths or byte lengths of frames. */
export interface ConnectionFacts {
  id: string;
  transport: Connection['transport'];
  userId: string;
  /** Epoch ms. */
  openedAt: number;
  /** Epoch ms, to LIMITS.opsActivityClockMs. */
  lastInAt: number | null;
  lastOutAt: number | null;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Accepted for sending but not yet written: the honest backpressure signal. */
  bufferedAmount: number;
}

/** One frame of a traced user's connection (`diag trace user:<id>`). */
export interface TappedFrame {
  at: number;
  direction: 'in' | 'out';
  connection: string;
  frame: EncodedFrame;
}

export interface ConnectionTotals {
  opened: number;
  closed: number;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

interface Entry {
  readonly connection: Connection;
  readonly facts: ConnectionFacts;
}

/**
 * The connections of this node, counted where they enter: `observe(accept)` wraps the socket
 * layer's accept function, so every frame in and out passes a few counter increments (no
 * allocation, no parsing) on its way. Traces tap one user's frames; with no tap the cost is
 * one Map size check per frame. The socket layer owns the connections; this table only looks
 * at them, and closes one when an operator asks (`diag kick`).
 */
export class ConnectionTable {
  private readonly clock: Clock;
  private readonly timers: Timers | undefined;
  /** Last-activity times are read from here, refreshed by timer: reading the clock on every frame costs more than counting it. */
  private now: number;
  private ticker: unknown;
  private readonly entries = new Map<string, Entry>();
  private readonly taps = new Map<string, Set<(frame: TappedFrame) => void>>();
  private readonly sums: ConnectionTotals = { opened: 0, closed: 0, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0 };

  /** `timers`: refresh the activity clock every LIMITS.opsActivityClockMs once started. */
  constructor(deps: { clock: Clock; timers?: Timers }) {
    this.clock = deps.clock;
    this.timers = deps.timers;
    this.now = deps.clock.now();
  }

  start(): void {
    if (this.timers === undefined || this.ticker !== undefined) return;
    this.ticker = this.timers.setInterval(() => (this.now = this.clock.now()), LIMITS.opsActivityClockMs);
  }

  stop(): void {
    if (this.ticker !== undefined) this.timers?.clearInterval(this.ticker);
    this.ticker = undefined;
  }

  /** The same accept function, counting what passes through it. */
  observe(accept: AcceptConnection): AcceptConnection {
    return (connection, userId) => {
      const facts: ConnectionFacts = {
        id: connection.id, transport: connection.transport, userId, openedAt: this.clock.now(),
        lastInAt: null, lastOutAt: null, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, bufferedAmount: 0,
      };
      const counted: Connection = {
        id: connection.id,
        transport: connection.transport,
        get bufferedAmount() {
          return connection.bufferedAmount;
        },
        close: (code, reason) => connection.close(code, reason),
        send: (frame) => {
          facts.framesOut += 1;
          facts.bytesOut += frame.length;
          facts.lastOutAt = this.now;
          this.sums.framesOut += 1;
          this.sums.bytesOut += frame.length;
          if (this.taps.size > 0) this.tap(userId, 'out', connection.id, frame);
          connection.send(frame);
        },
      };
      this.entries.set(connection.id, { connection, facts });
      this.sums.opened += 1;
      const handler = accept(counted, userId);
      return {
        receive: (data, binary) => {
          facts.framesIn += 1;
          facts.bytesIn += data.length;
          facts.lastInAt = this.now;
          this.sums.framesIn += 1;
          this.sums.bytesIn += data.length;
          if (this.taps.size > 0) this.tap(userId, 'in', connection.id, data);
          handler.receive(data, binary);
        },
        closed: (code, reason) => {
          if (this.entries.delete(connection.id)) this.sums.closed += 1;
          handler.closed(code, reason);
        },
      };
    };
  }

  get size(): number {
    return this.entries.size;
  }

  totals(): ConnectionTotals {
    return { ...this.sums };
  }

  /** A copy of every connection's facts, read now. */
  list(): ConnectionFacts[] {
    return [...this.entries.values()].map((entry) => this.read(entry));
  }

  get(id: string): ConnectionFacts | undefined {
    const entry = this.entries.get(id);
    return entry && this.read(entry);
  }

  /** Closes one connection (policy violation, with the operator's reason); false when there is none. */
  kick(id: string, reason: string): boolean {
    const entry = this.entries.get(id);
    entry?.connection.close(CLOSE_CODES.policyViolation, closeReason(reason));
    return entry !== undefined;
  }

  /** Closes every connection of a user; returns how many. */
  kickUser(userId: string, reason: string): number {
    const mine = [...this.entries.values()].filter((entry) => entry.facts.userId === userId);
    for (const entry of mine) entry.connection.close(CLOSE_CODES.policyViolation, closeReason(reason));
    return mine.length;
  }

  /** Every frame in or out of `userId`'s connections goes to `listener` until the returned function is called. */
  tapUser(userId: string, listener: (frame: TappedFrame) => void): () => void {
    let set = this.taps.get(userId);
    if (!set) this.taps.set(userId, (set = new Set()));
    set.add(listener);
    const mine = set;
    return () => {
      mine.delete(listener);
      if (mine.size === 0 && this.taps.get(userId) === mine) this.taps.delete(userId);
    };
  }

  private tap(userId: string, direction: 'in' | 'out', connection: string, frame: EncodedFrame): void {
    const listeners = this.taps.get(userId);
    if (!listeners) return;
    const at = this.clock.now(); // only while a trace taps this user
    for (const listener of listeners) listener({ at, direction, connection, frame });
  }

  private read(entry: Entry): ConnectionFacts {
    return { ...entry.facts, bufferedAmount: entry.connection.bufferedAmount };
  }
}
