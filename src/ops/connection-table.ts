import { LIMITS } from '../config/limits.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import type { EncodedFrame } from '../protocol/frame.ts';
import type { AcceptConnection, Connection, ConnectionHandler } from '../transport/connection.ts';
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

/**
 * One connection as the table sees it: the Connection the socket layer writes to and the
 * handler the transport calls, counting on the way through. One object per connection with
 * its methods on the prototype: no closures, no facts object, no id string kept (an idle
 * connection's every byte counts at 20,000 of them).
 */
class ObservedConnection implements Connection, ConnectionHandler {
  readonly inner: Connection;
  readonly table: ConnectionTable;
  readonly userId: string;
  readonly openedAt: number;
  handler: ConnectionHandler | undefined = undefined;
  lastInAt: number | null = null;
  lastOutAt: number | null = null;
  framesIn = 0;
  framesOut = 0;
  bytesIn = 0;
  bytesOut = 0;

  constructor(table: ConnectionTable, inner: Connection, userId: string, openedAt: number) {
    this.table = table;
    this.inner = inner;
    this.userId = userId;
    this.openedAt = openedAt;
  }

  get id(): string {
    return this.inner.id;
  }

  get transport(): Connection['transport'] {
    return this.inner.transport;
  }

  get bufferedAmount(): number {
    return this.inner.bufferedAmount;
  }

  close(code: number, reason: string): void {
    this.inner.close(code, reason);
  }

  send(frame: EncodedFrame): void {
    this.framesOut += 1;
    this.bytesOut += frame.length;
    this.table.countOut(this, frame);
    this.inner.send(frame);
  }

  receive(data: string | Buffer, binary: boolean): void {
    this.framesIn += 1;
    this.bytesIn += data.length;
    this.table.countIn(this, data);
    this.handler?.receive(data, binary);
  }

  closed(code: number, reason: string): void {
    this.table.forget(this);
    this.handler?.closed(code, reason);
  }

  facts(): ConnectionFacts {
    return {
      id: this.id, transport: this.transport, userId: this.userId, openedAt: this.openedAt,
      lastInAt: this.lastInAt, lastOutAt: this.lastOutAt, framesIn: this.framesIn, framesOut: this.framesOut,
      bytesIn: this.bytesIn, bytesOut: this.bytesOut, bufferedAmount: this.inner.bufferedAmount,
    };
  }
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
  /** Looked up by id only by operators (diag): a scan, so no id string is kept per connection. */
  private readonly entries = new Set<ObservedConnection>();
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
      const observed = new ObservedConnection(this, connection, userId, this.clock.now());
      this.entries.add(observed);
      this.sums.opened += 1;
      observed.handler = accept(observed, userId);
      return observed;
    };
  }

  /** @internal */
  countOut(connection: ObservedConnection, frame: EncodedFrame): void {
    connection.lastOutAt = this.now;
    this.sums.framesOut += 1;
    this.sums.bytesOut += frame.length;
    if (this.taps.size > 0) this.tap(connection.userId, 'out', connection.id, frame);
  }

  /** @internal */
  countIn(connection: ObservedConnection, data: string | Buffer): void {
    connection.lastInAt = this.now;
    this.sums.framesIn += 1;
    this.sums.bytesIn += data.length;
    if (this.taps.size > 0) this.tap(connection.userId, 'in', connection.id, data);
  }

  /** @internal */
  forget(connection: ObservedConnection): void {
    if (this.entries.delete(connection)) this.sums.closed += 1;
  }

  get size(): number {
    return this.entries.size;
  }

  totals(): ConnectionTotals {
    return { ...this.sums };
  }

  /** A copy of every connection's facts, read now. */
  list(): ConnectionFacts[] {
    return [...this.entries].map((entry) => entry.facts());
  }

  get(id: string): ConnectionFacts | undefined {
    return this.find(id)?.facts();
  }

  /** Closes one connection (policy violation, with the operator's reason); false when there is none. */
  kick(id: string, reason: string): boolean {
    const entry = this.find(id);
    entry?.close(CLOSE_CODES.policyViolation, closeReason(reason));
    return entry !== undefined;
  }

  /** Closes every connection of a user; returns how many. */
  kickUser(userId: string, reason: string): number {
    const mine = [...this.entries].filter((entry) => entry.userId === userId);
    for (const entry of mine) entry.close(CLOSE_CODES.policyViolation, closeReason(reason));
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

  private find(id: string): ObservedConnection | undefined {
    for (const entry of this.entries) if (entry.id === id) return entry;
    return undefined;
  }
}
