import type { Logger } from 'pino';
import { NO_SERVER_METRICS, type ServerMetrics } from '../shared/server-metrics.ts';
import type { Channel, ChannelContext, JoinResult } from '../channels/channel.ts';
import type { ChannelRouter } from '../channels/channel-router.ts';
import { LIMITS } from '../config/limits.ts';
import { AppError } from '../domain/app-error.ts';
import type { Clock } from '../domain/clock.ts';
import { topics } from '../domain/topics.ts';
import { binarySerializer } from '../protocol/binary-serializer.ts';
import { EVENTS, PHOENIX_TOPIC, type BinaryFrame, type EncodedFrame, type Frame, type ReplyStatus } from '../protocol/frame.ts';
import { ProtocolError } from '../protocol/protocol-error.ts';
import { v2JsonSerializer } from '../protocol/v2-json-serializer.ts';
import { CLOSE_CODES } from '../transport/close-codes.ts';
import type { Connection, ConnectionHandler } from '../transport/connection.ts';
import { errorResponse } from './error-reply.ts';
import { JoinedTopics } from './joined-topics.ts';
import { TokenBucket } from './token-bucket.ts';

export interface SocketSessionDeps {
  connection: Connection;
  userId: string;
  router: ChannelRouter;
  clock: Clock;
  /** The node's logger: this session makes its child (with connection and user) only when it logs. */
  logger: Logger;
  /** Called once when the connection has closed, after the channels are released. */
  onClosed?: (session: SocketSession) => void;
  /** Per-socket message rate; defaults to LIMITS.messageBurst / messageRefillPerSecond. */
  messageBurst?: number;
  messageRefillPerSecond?: number;
  /** Joins, leaves and rate-limit refusals are counted here (operations' metrics). */
  metrics?: ServerMetrics;
}

/** A joined topic: its channel, the join_ref that owns it, and the context it writes through. */
interface Joined {
  readonly topic: string;
  readonly joinRef: string | null;
  readonly channel: Channel;
  readonly ctx: BoundContext;
}

interface BoundContext extends ChannelContext {
  active: boolean;
}

/**
 * One connection's multiplexer, as Phoenix's socket: routes each decoded frame to the channel
 * of its topic, transport-agnostic.
 * - Heartbeats (`phoenix`/`heartbeat`) are answered at once; every other frame is handled in
 *   arrival order, one at a time (at most LIMITS.maxPendingFrames waiting, else close 1008).
 * - `phx_join`: unknown topic → `unmatched topic`; a 101st channel → `too many channels joined`;
 *   over the join rate (LIMITS.joinBurst, joinRefillPerSecond) → `rate_limited` with
 *   `retry_after_ms`; a join of a topic already joined closes the old channel first (phx_close
 *   with the old join_ref).
 * - Events on a topic not joined → `unmatched topic`; with a join_ref other than the current
 *   one of the topic they are ignored (a null join_ref is accepted, as in Phoenix); over the
 *   message rate → `rate_limited`. `phx_leave` → ok reply, then phx_close.
 * - Unreadable frames (not JSON, not a 5-array, no usable ref/topic) close the socket with
 *   1007; readable envelopes with wrong types get `invalid_frame`, a payload that is not an
 *   object `invalid_payload`. Errors never close the socket: AppError → its code; anything
 *   else → `internal` (logged).
 */
export class SocketSession implements ConnectionHandler {
  readonly userId: string;
  private readonly connection: Connection;
  private readonly router: ChannelRouter;
  private readonly baseLogger: Logger;
  private readonly metrics: ServerMetrics;
  private childLogger: Logger | undefined;
  private readonly onClosed: ((session: SocketSession) => void) | undefined;
  private readonly channels = new JoinedTopics<Joined>();
  private readonly clock: Clock;
  private readonly messageBurst: number;
  private readonly messageRefillPerSecond: number;
  /** Made on the first join and the first message: an idle socket holds neither. */
  private joinBucket: TokenBucket | undefined;
  private messageBucket: TokenBucket | undefined;
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  /** Pipelined pushes started and not yet answered (see Channel.pipelines); bounded with `pending`. */
  private inFlight = 0;
  private ended = false;
  /** Groups revoked while a join was waiting on the store: that join must not complete. */
  private revokedWhileJoining: Set<string> | undefined;
  /** Groups rechecked while a join was waiting on the store: that join is checked again once done. */
  private recheckedWhileJoining: Set<string> | undefined;
  /** Counts resyncs, so a join that was waiting on the store during one is resynced too. */
  private resyncs = 0;

  constructor(deps: SocketSessionDeps) {
    this.connection = deps.connection;
    this.userId = deps.userId;
    this.router = deps.router;
    this.baseLogger = deps.logger;
    this.metrics = deps.metrics ?? NO_SERVER_METRICS;
    this.onClosed = deps.onClosed;
    this.clock = deps.clock;
    this.messageBurst = deps.messageBurst ?? LIMITS.messageBurst;
    this.messageRefillPerSecond = deps.messageRefillPerSecond ?? LIMITS.messageRefillPerSecond;
  }

  private takeJoin(): number {
    this.joinBucket ??= new TokenBucket({ burst: LIMITS.joinBurst, refillPerSecond: LIMITS.joinRefillPerSecond, now: nowOf(this.clock) });
    return this.joinBucket.take();
  }

  private takeMessage(): number {
    this.messageBucket ??= new TokenBucket({ burst: this.messageBurst, refillPerSecond: this.messageRefillPerSecond, now: nowOf(this.clock) });
    return this.messageBucket.take();
  }

  /** A child logger per connection costs ~1 KB; most connections never log, so it is made on first use. */
  private get logger(): Logger {
    return (this.childLogger ??= this.baseLogger.child({ connection: this.connection.id, user: this.userId }));
  }

  get channelCount(): number {
    return this.channels.size;
  }

  get connectionId(): string {
    return this.connection.id;
  }

  receive(data: string | Buffer, binary: boolean): void {
    if (this.ended) return;
    let frame: Frame | BinaryFrame;
    try {
      if (binary) frame = binarySerializer.decodePush(typeof data === 'string' ? Buffer.from(data) : data);
      else frame = v2JsonSerializer.decode(data.toString());
    } catch (err) {
      const to = err instanceof ProtocolError ? err.replyTo : undefined;
      if (to) this.enqueue(async () => this.replyError(to.joinRef, to.ref, to.topic, err));
      else this.connection.close(CLOSE_CODES.invalidFrame, err instanceof Error ? err.message : 'unreadable frame');
      return;
    }
    if (frame.topic === PHOENIX_TOPIC && frame.event === EVENTS.heartbeat) {
      this.reply(null, frame.ref, PHOENIX_TOPIC, 'ok', {});
      return;
    }
    this.enqueue(() => this.handle(frame));
  }

  closed(code?: number, reason?: string): void {
    if (this.ended) return;
    this.baseLogger.debug({ connection: this.connection.id, user: this.userId, code, reason }, 'realtime: connection closed');
    this.ended = true;
    for (const joined of this.channels.list()) this.closeChannel(joined.topic, joined, false);
    this.onClosed?.(this);
  }

  /** Closes (phx_close) every channel of `groupId` and tells the `user:` channel, if joined. */
  revokeGroup(groupId: string): void {
    this.revokedWhileJoining?.add(groupId);
    for (const joined of this.channels.list()) {
      if (joined.channel.groupId === groupId) this.closeChannel(joined.topic, joined, true);
    }
    this.channels.get(topics.user(this.userId))?.ctx.push('group:removed', { group_id: groupId });
  }

  /**
   * Runs the join check again (Channel.stillAllowed) of every channel of `groupId` that has one,
   * and closes (phx_close) those it refuses; a join of the group under way is checked once done.
   */
  recheckGroup(groupId: string): void {
    this.recheckedWhileJoining?.add(groupId);
    for (const joined of this.channels.list()) {
      if (joined.channel.groupId === groupId) void this.recheck(joined);
    }
  }

  private async recheck(joined: Joined): Promise<void> {
    const check = joined.channel.stillAllowed;
    if (!check) return;
    let allowed: boolean;
    try {
      allowed = await check.call(joined.channel);
    } catch (err) {
      this.logger.error({ err, topic: joined.topic }, 'socket: a channel\'s join check failed on recheck');
      if (this.channels.get(joined.topic) === joined) this.errorChannel(joined.topic, joined, 'recheck_failed');
      return;
    }
    if (!allowed && this.channels.get(joined.topic) === joined) this.closeChannel(joined.topic, joined, true);
  }

  /**
   * After a bus outage: every joined channel is released and gets `phx_error` (reason
   * `resync`), so the client rejoins it with its params (`last_seq`) and recovers from the store
   * what the outage lost; a join in progress is answered and then errored the same way.
   */
  resync(): void {
    this.resyncs++;
    for (const joined of this.channels.list()) this.errorChannel(joined.topic, joined, 'resync');
  }

  private errorChannel(topic: string, joined: Joined, reason: string): void {
    this.channels.delete(topic);
    this.release(joined.channel, joined.ctx);
    this.connection.send(v2JsonSerializer.encode({ joinRef: joined.joinRef, ref: joined.joinRef, topic, event: EVENTS.error, payload: { reason } }));
  }

  private enqueue(task: () => Promise<void>): void {
    if (this.pending + this.inFlight >= LIMITS.maxPendingFrames) {
      this.connection.close(CLOSE_CODES.policyViolation, 'too many frames in flight');
      return;
    }
    this.pending++;
    this.tail = this.tail.then(async () => {
      try {
        if (!this.ended) await task();
      } catch (err) {
        this.logger.error({ err, connection: this.connection.id }, 'socket: frame handling failed');
      } finally {
        this.pending--;
      }
    });
  }

  private async handle(frame: Frame | BinaryFrame): Promise<void> {
    if (frame.event === EVENTS.join) return this.join(frame);
    if (frame.event === EVENTS.leave) return this.leave(frame);
    const joined = this.channels.get(frame.topic);
    if (!joined) return this.replyError(null, frame.ref, frame.topic, new AppError('unmatched_topic'));
    if (isStale(frame, joined)) return;
    if (Buffer.isBuffer(frame.payload)) return this.replyError(frame.joinRef, frame.ref, frame.topic, binaryRefused());
    const wait = this.takeMessage();
    if (wait > 0) {
      this.metrics.rateLimited('message');
      return this.replyError(frame.joinRef, frame.ref, frame.topic, rateLimited(wait));
    }
    if (joined.channel.pipelines?.(frame.event, frame.payload)) {
      // Its order is fixed once handleIn has started; the answer comes when it is stored.
      this.inFlight++;
      void joined.channel.handleIn(frame.event, frame.payload).then(
        (response) => this.reply(frame.joinRef, frame.ref, frame.topic, 'ok', response),
        (err: unknown) => this.replyError(frame.joinRef, frame.ref, frame.topic, err),
      ).finally(() => this.inFlight--);
      return;
    }
    try {
      const response = await joined.channel.handleIn(frame.event, frame.payload);
      this.reply(frame.joinRef, frame.ref, frame.topic, 'ok', response);
    } catch (err) {
      this.replyError(frame.joinRef, frame.ref, frame.topic, err);
    }
  }

  private async join(frame: Frame | BinaryFrame): Promise<void> {
    const { joinRef, ref, topic } = frame;
    if (Buffer.isBuffer(frame.payload)) return this.refuseJoin(joinRef, ref, topic, binaryRefused());
    const route = this.router.match(topic);
    if (!route) return this.refuseJoin(joinRef, ref, topic, new AppError('unmatched_topic'));
    const existing = this.channels.get(topic);
    if (this.channels.size - (existing ? 1 : 0) >= LIMITS.maxChannelsPerSocket) {
      return this.refuseJoin(joinRef, ref, topic, new AppError('too_many_channels'));
    }
    const wait = this.takeJoin();
    if (wait > 0) {
      this.metrics.rateLimited('join');
      return this.refuseJoin(joinRef, ref, topic, rateLimited(wait));
    }
    if (existing) this.closeChannel(topic, existing, true);

    const channel = route.create();
    const ctx = this.context(topic, joinRef);
    const revoked = new Set<string>();
    const rechecked = new Set<string>();
    this.revokedWhileJoining = revoked;
    this.recheckedWhileJoining = rechecked;
    const resyncs = this.resyncs;
    let result: JoinResult;
    try {
      result = await channel.join(ctx, frame.payload);
    } catch (err) {
      this.release(channel, ctx);
      return this.refuseJoin(joinRef, ref, topic, err);
    } finally {
      this.revokedWhileJoining = undefined;
      this.recheckedWhileJoining = undefined;
    }
    if (this.ended) return this.release(channel, ctx);
    if (channel.groupId !== undefined && revoked.has(channel.groupId)) {
      this.release(channel, ctx);
      return this.refuseJoin(joinRef, ref, topic, new AppError('not_member'));
    }
    const joined: Joined = { topic, joinRef, channel, ctx };
    this.channels.set(joined);
    this.reply(joinRef, ref, topic, 'ok', result.response);
    this.metrics.join('ok');
    try {
      result.afterReply?.();
    } catch (err) {
      // As a crashed Phoenix channel: phx_error makes the client rejoin.
      this.logger.error({ err, connection: this.connection.id, topic }, 'socket: channel failed right after its join');
      return this.errorChannel(topic, joined, 'channel_crash');
    }
    if (this.resyncs !== resyncs) this.errorChannel(topic, joined, 'resync');
    else if (channel.groupId !== undefined && rechecked.has(channel.groupId)) void this.recheck(joined);
  }

  private refuseJoin(joinRef: string | null, ref: string | null, topic: string, err: unknown): void {
    this.metrics.join('error');
    this.replyError(joinRef, ref, topic, err);
  }

  private async leave(frame: Frame | BinaryFrame): Promise<void> {
    const joined = this.channels.get(frame.topic);
    if (joined && isStale(frame, joined)) return;
    if (joined) this.metrics.leave();
    this.reply(frame.joinRef, frame.ref, frame.topic, 'ok', {});
    if (joined) this.closeChannel(frame.topic, joined, true);
  }

  private context(topic: string, joinRef: string | null): BoundContext {
    return new SessionContext(this, topic, joinRef);
  }

  /** @internal For SessionContext.fail: ends that join with phx_error if it is still the topic's current one. */
  failChannel(ctx: BoundContext, reason: string): void {
    const joined = this.channels.get(ctx.topic);
    if (ctx.active && joined?.ctx === ctx) this.errorChannel(ctx.topic, joined, reason);
  }

  /** @internal */
  send(frame: EncodedFrame): void {
    this.connection.send(frame);
  }

  private closeChannel(topic: string, joined: Joined, notify: boolean): void {
    this.channels.delete(topic);
    this.release(joined.channel, joined.ctx);
    if (notify) this.connection.send(v2JsonSerializer.close(joined.joinRef, topic));
  }

  /** The channel writes nothing more, and gives back what it holds. */
  private release(channel: Channel, ctx: BoundContext): void {
    ctx.active = false;
    try {
      channel.leave();
    } catch (err) {
      this.logger.error({ err, connection: this.connection.id }, 'socket: channel leave failed');
    }
  }

  private reply(joinRef: string | null, ref: string | null, topic: string, status: ReplyStatus, response: Record<string, unknown>): void {
    this.connection.send(v2JsonSerializer.reply(joinRef, ref, topic, status, response));
  }

  private replyError(joinRef: string | null, ref: string | null, topic: string, err: unknown): void {
    const response = errorResponse(err, this.logger, { connection: this.connection.id, user: this.userId, topic });
    this.reply(joinRef, ref, topic, 'error', response);
  }
}

/** One join's ChannelContext: methods on the prototype, no closures per join. */
class SessionContext implements BoundContext {
  active = true;
  private readonly session: SocketSession;
  readonly topic: string;
  readonly joinRef: string | null;

  constructor(session: SocketSession, topic: string, joinRef: string | null) {
    this.session = session;
    this.topic = topic;
    this.joinRef = joinRef;
  }

  get userId(): string {
    return this.session.userId;
  }

  push(event: string, payload: Record<string, unknown>): void {
    if (this.active) this.session.send(v2JsonSerializer.push(this.joinRef, this.topic, event, payload));
  }

  write(frame: EncodedFrame): void {
    if (this.active) this.session.send(frame);
  }

  fail(reason: string): void {
    this.session.failChannel(this, reason);
  }
}

/** One `now` function per clock, shared by every socket's token buckets (a closure per socket costs ~300 bytes under tsx). */
const nows = new WeakMap<Clock, () => number>();
function nowOf(clock: Clock): () => number {
  let now = nows.get(clock);
  if (!now) nows.set(clock, (now = () => clock.now()));
  return now;
}

function isStale(frame: Frame | BinaryFrame, joined: Joined): boolean {
  return frame.joinRef !== null && frame.joinRef !== joined.joinRef;
}

function rateLimited(retryAfterMs: number): AppError {
  return new AppError('rate_limited', undefined, { retry_after_ms: retryAfterMs });
}

function binaryRefused(): AppError {
  return new AppError('invalid_payload', 'This channel takes JSON payloads only, not binary ones.');
}
