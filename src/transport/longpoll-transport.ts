import { randomBytes } from 'node:crypto';
import type { ServerMetrics } from '../shared/server-metrics.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import type { EncodedFrame } from '../protocol/frame.ts';
import { CLOSE_CODES } from './close-codes.ts';
import type { AcceptConnection, Connection, ConnectionHandler, TokenVerifier } from './connection.ts';
import { SessionGate, type SessionIsLive, type SocketIdentity } from './session-gate.ts';

export const LONGPOLL_PATH = '/socket/longpoll';
/** Session tokens look like this, so one lone `token` value is told apart from a socket token. */
const SESSION_TOKEN_PREFIX = 'lp1.';

/** The body of every LongPoll answer (the HTTP status is always 200). */
export interface LongPollBody {
  status: 200 | 204 | 400 | 403 | 410 | 413 | 500;
  token?: string;
  messages?: string[];
  /** Why a POST ended the session (the close reason a WebSocket would carry). */
  reason?: string;
}

export interface LongPollTransportOptions {
  tokens: TokenVerifier;
  /** Checked when a session opens, after the token's signature: a token of an ended session gets 403. */
  sessionIsLive: SessionIsLive;
  accept: AcceptConnection;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** In a cluster: this node's id, written into each session token so any node finds the owner. */
  nodeId?: string;
  /** In a cluster: carries a request for another node's session to that node (over the bus). */
  forward?: LongPollForwarder;
  /** Slow-consumer cut-offs are counted here (operations' metrics). */
  metrics?: ServerMetrics;
}

/** A LongPoll request for a session that lives on another node, as it travels there. */
export type ForwardedLongPoll = { kind: 'poll'; token: string } | { kind: 'post'; token: string; body: string; ndjson: boolean };

/** Delivers `request` to node `owner` and resolves with its answer; rejects when it cannot. */
export type LongPollForwarder = (owner: string, request: ForwardedLongPoll, cancelled: AbortSignal) => Promise<LongPollBody>;

type PollWaiter = (body: LongPollBody) => void;

/** One LongPoll client: the Connection the socket layer writes to, and its queued frames. */
class LongPollSession implements Connection {
  readonly id: string;
  readonly transport = 'longpoll' as const;
  readonly token: string;
  /** The sign-in session of its socket token: this LongPoll session ends when it does (closeSessions). */
  readonly sessionId: string;
  handler: ConnectionHandler | undefined;
  lastPollAt: number;
  private queue: string[] = [];
  private queuedBytes = 0;
  private waiter: PollWaiter | undefined;
  private flushScheduled = false;
  /** Cut off for queueing too much (counted by the transport when it ends). */
  slow = false;
  /** How the session ended, once it has. */
  closedWith: { code: number; reason: string } | undefined = undefined;
  private readonly end: (session: LongPollSession, code: number, reason: string) => void;

  constructor(token: string, sessionId: string, now: number, end: (session: LongPollSession, code: number, reason: string) => void) {
    this.token = token;
    this.sessionId = sessionId;
    this.id = `lp-${token.slice(token.lastIndexOf('.') + 1).slice(0, 12)}`;
    this.lastPollAt = now;
    this.end = end;
  }

  get bufferedAmount(): number {
    return this.queuedBytes;
  }

  get polling(): boolean {
    return this.waiter !== undefined;
  }

  /** LongPoll carries strings: a binary frame travels base64-encoded. */
  send(frame: EncodedFrame): void {
    const text = typeof frame === 'string' ? frame : frame.toString('base64');
    this.queue.push(text);
    this.queuedBytes += text.length;
    if (this.queue.length > LIMITS.longPollMaxQueued) {
      this.slow = true;
      this.close(CLOSE_CODES.policyViolation, 'slow consumer: too many frames queued');
      return;
    }
    // Frames sent in one turn (a join reply, presence_state, buffered broadcasts) go out together.
    if (this.waiter && !this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        this.answer({ status: 200, token: this.token, messages: this.drain() });
      });
    }
  }

  close(code: number, reason: string): void {
    this.end(this, code, reason);
  }

  /** Answers at once with what is queued, or parks `waiter` until a frame arrives. A newer poll replaces an older one (which gets 204). */
  poll(waiter: PollWaiter): void {
    this.answer({ status: 204, token: this.token, messages: [] });
    if (this.queue.length > 0) return waiter({ status: 200, token: this.token, messages: this.drain() });
    this.waiter = waiter;
  }

  /** Ends the parked poll, if any, with `body`. */
  answer(body: LongPollBody): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(body);
  }

  /** The parked poll gave up (timeout or client gone) without taking anything. */
  release(waiter: PollWaiter): void {
    if (this.waiter === waiter) this.waiter = undefined;
  }

  private drain(): string[] {
    const messages = this.queue;
    this.queue = [];
    this.queuedBytes = 0;
    return messages;
  }
}

/**
 * Phoenix's LongPoll transport at `/socket/longpoll` (GET and POST), as phoenix.js expects it:
 * the HTTP status is always 200 and the real one is in the JSON body `{status, token?, messages?}`.
 * - GET without a session token: the socket token (query `token`, or header
 *   `X-Phoenix-AuthToken`) is verified → 403 when invalid, when its sign-in session has ended
 *   (one store read, after the signature check) or when `vsn` is not 2.0.0, 500 when that read
 *   fails; else a session opens → 410 with its token (phoenix.js reads 410 as "opened").
 * - `closeSessions`: the sessions opened with ended sign-in sessions end; a held poll answers
 *   403, so phoenix.js closes the transport (its reconnect is refused with 403); a later poll
 *   finds no session (410).
 * - GET with a session token: answered at once with queued frames (200), else held up to
 *   LIMITS.longPollHoldMs (200 when frames arrive, 204 when none); 410 when the session is gone.
 * - POST with a session token: NDJSON, at most LIMITS.longPollMaxLines lines, each ≤
 *   LIMITS.maxFrameBytes; `[`-lines are text frames, others base64 binary frames → 200. A line
 *   that ends the session (one a WebSocket would be closed for, e.g. 1007 unreadable) → 400
 *   with the close reason as `reason`, and the lines after it are dropped.
 * The session token is the header `X-Phoenix-Longpoll-Token`, or the LAST `token` query value:
 * a client that authenticates with `params: {token}` sends `?token=<socket>&…&token=<session>`.
 * Session tokens are 192 random bits. A session with no poll for
 * LIMITS.longPollSessionTimeoutMs is closed by one sweep timer for all sessions (so within
 * LIMITS.idleSweepMs after that); one with more than LIMITS.longPollMaxQueued frames waiting is a
 * slow consumer and is closed. Frames handed to a poll whose response never reaches the client
 * are lost, as in Phoenix; a client that rejoins with `last_seq` recovers room messages.
 * A session lives on the node that opened it, whose id is in its token (`lp1.<node>.<random>`):
 * in a cluster a GET or POST that reaches another node is forwarded to the owner over the bus
 * (`forward`, answered by `serveForwarded` there), so no sticky routing is needed; when the owner
 * cannot be reached the answer is 410 and the client opens a new session.
 */
export class LongPollTransport {
  private readonly options: LongPollTransportOptions;
  private readonly gate: SessionGate;
  private readonly sessions = new Map<string, LongPollSession>();
  private sweepTimer: unknown = undefined;
  private closing = false;

  constructor(options: LongPollTransportOptions) {
    this.options = options;
    this.gate = new SessionGate(options.tokens, options.sessionIsLive);
  }

  get size(): number {
    return this.sessions.size;
  }

  async register(app: FastifyInstance): Promise<void> {
    await app.register(async (scope) => {
      // Bodies are NDJSON (or one raw frame from older clients): read every type as text.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: LIMITS.longPollMaxBodyBytes }, (_req, body, done) => done(null, body));
      // Even failures answer HTTP 200: phoenix.js reads only the body's status.
      scope.setErrorHandler((err: { statusCode?: number }, request, reply) => {
        const status = err.statusCode === 413 ? 413 : err.statusCode !== undefined && err.statusCode < 500 ? 400 : 500;
        if (status === 500) request.log.error({ err }, 'longpoll: request failed');
        return this.respond(reply, { status });
      });
      scope.get(LONGPOLL_PATH, (request, reply) => this.get(request, reply));
      scope.post(LONGPOLL_PATH, (request, reply) => this.post(request, reply));
    });
    if (this.sweepTimer === undefined) this.sweepTimer = this.options.timers.setInterval(() => this.sweep(), LIMITS.idleSweepMs);
  }

  /** Ends every session (held polls answer 410, so clients reconnect) and stops the sweep. */
  close(): void {
    this.closing = true;
    if (this.sweepTimer !== undefined) this.options.timers.clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    for (const session of [...this.sessions.values()]) this.end(session, CLOSE_CODES.goingAway, 'server shutting down');
  }

  /** Ends every session opened with one of these sign-in sessions; refuses opens of them still being checked. */
  closeSessions(sessionIds: readonly string[]): void {
    this.gate.ended(sessionIds);
    const ended = new Set(sessionIds);
    for (const session of [...this.sessions.values()]) {
      if (ended.has(session.sessionId)) this.end(session, CLOSE_CODES.sessionEnded, 'session ended');
    }
  }

  private async get(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const query = parseQuery(request.raw.url ?? '');
    const sessionToken = sessionTokenOf(request, query.tokens);
    if (sessionToken !== undefined) {
      const session = this.sessions.get(sessionToken);
      const gone = abortOnClose(reply);
      if (!session) return this.respond(reply, await this.elsewhere({ kind: 'poll', token: sessionToken }, gone));
      return this.respond(reply, await this.hold(session, gone));
    }
    if (this.closing || query.vsn !== '2.0.0') return this.respond(reply, { status: 403 });
    const identity = this.gate.verify(header(request, 'x-phoenix-authtoken') ?? query.tokens[0]);
    if (identity === undefined) return this.respond(reply, { status: 403 });
    let session: LongPollSession | undefined;
    try {
      session = await this.gate.admit(identity, (live) => (this.closing ? undefined : this.open(live)));
    } catch (err) {
      request.log.error({ err }, 'longpoll: could not check the socket token\'s session');
      return this.respond(reply, { status: 500 });
    }
    if (session === undefined) return this.respond(reply, { status: 403 });
    return this.respond(reply, { status: 410, token: session.token, messages: [] });
  }

  private async post(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const query = parseQuery(request.raw.url ?? '');
    const sessionToken = sessionTokenOf(request, query.tokens);
    if (sessionToken === undefined) return this.respond(reply, { status: 410 });
    const body = typeof request.body === 'string' ? request.body : '';
    const ndjson = (request.headers['content-type'] ?? '').startsWith('application/x-ndjson');
    const session = this.sessions.get(sessionToken);
    if (!session) return this.respond(reply, await this.elsewhere({ kind: 'post', token: sessionToken, body, ndjson }, abortOnClose(reply)));
    return this.respond(reply, this.deliver(session, body, ndjson));
  }

  /** Answers a request another node forwarded here (this node owns, or owned, the session). */
  async serveForwarded(request: ForwardedLongPoll, cancelled: AbortSignal): Promise<LongPollBody> {
    const session = this.sessions.get(request.token);
    if (!session) return { status: 410 };
    return request.kind === 'poll' ? this.hold(session, cancelled) : this.deliver(session, request.body, request.ndjson);
  }

  /** A request for a session not on this node: to its owner, when there is one to ask. */
  private async elsewhere(request: ForwardedLongPoll, gone: AbortSignal): Promise<LongPollBody> {
    const owner = ownerOf(request.token);
    const { forward, nodeId } = this.options;
    if (owner === undefined || owner === nodeId || !forward) return { status: 410 };
    try {
      return await forward(owner, request, gone);
    } catch (err) {
      this.options.logger.debug({ err, owner }, 'longpoll: the node owning the session did not answer');
      return { status: 410 };
    }
  }

  /** The frames of one POST, handed to the session's connection in order. */
  private deliver(session: LongPollSession, body: string, ndjson: boolean): LongPollBody {
    if (!session.handler) return { status: 410 };
    const lines = ndjson ? body.split(/\r?\n/).filter((line) => line !== '') : [body];
    if (lines.length > LIMITS.longPollMaxLines || lines.some((line) => Buffer.byteLength(line) > LIMITS.maxFrameBytes)) {
      this.end(session, CLOSE_CODES.messageTooBig, 'batch over the line or frame limit');
      return { status: 413 };
    }
    session.lastPollAt = this.options.clock.now();
    for (const line of lines) {
      if (line.startsWith('[')) session.handler.receive(line, false);
      else session.handler.receive(Buffer.from(line, 'base64'), true);
      // The line closed the session (unreadable, a flood), as it would close a WebSocket: the
      // rest of the batch is dropped and the answer says why (phoenix.js reconnects on it).
      if (session.closedWith) return { status: 400, reason: session.closedWith.reason };
    }
    return { status: 200 };
  }

  private open(identity: SocketIdentity): LongPollSession {
    const node = this.options.nodeId === undefined ? '' : `${this.options.nodeId}.`;
    const token = SESSION_TOKEN_PREFIX + node + randomBytes(24).toString('base64url');
    const session = new LongPollSession(token, identity.sessionId, this.options.clock.now(), (s, code, reason) => this.end(s, code, reason));
    this.sessions.set(token, session);
    session.handler = this.options.accept(session, identity.userId);
    return session;
  }

  private hold(session: LongPollSession, gone: AbortSignal): Promise<LongPollBody> {
    session.lastPollAt = this.options.clock.now();
    return new Promise<LongPollBody>((resolve) => {
      const { timers } = this.options;
      let timer: unknown = undefined;
      const waiter: PollWaiter = (body) => {
        if (timer !== undefined) timers.clearTimeout(timer);
        gone.removeEventListener('abort', onGone);
        session.lastPollAt = this.options.clock.now();
        resolve(body);
      };
      const giveUp = (body: LongPollBody) => {
        session.release(waiter);
        waiter(body);
      };
      const onGone = () => giveUp({ status: 204 });
      session.poll(waiter);
      if (!session.polling) return;
      timer = timers.setTimeout(() => giveUp({ status: 204, token: session.token, messages: [] }), LIMITS.longPollHoldMs);
      if (gone.aborted) onGone();
      else gone.addEventListener('abort', onGone, { once: true });
    });
  }

  private end(session: LongPollSession, code: number, reason: string): void {
    if (session.slow) this.options.metrics?.slowClientCut();
    if (this.sessions.get(session.token) !== session) return;
    this.sessions.delete(session.token);
    session.closedWith = { code, reason };
    session.answer({ status: code === CLOSE_CODES.sessionEnded ? 403 : 410 });
    session.handler?.closed(code, reason);
  }

  private sweep(): void {
    const cutoff = this.options.clock.now() - LIMITS.longPollSessionTimeoutMs;
    for (const session of [...this.sessions.values()]) {
      if (!session.polling && session.lastPollAt <= cutoff) this.end(session, CLOSE_CODES.idleTimeout, 'longpoll session expired');
    }
  }

  private respond(reply: FastifyReply, body: LongPollBody): FastifyReply {
    return reply.code(200).header('cache-control', 'no-store').header('content-type', 'application/json; charset=utf-8').send(body);
  }
}

/** `token` values in order and `vsn`, from the raw query string (Fastify's parser would merge repeats). */
export function parseQuery(url: string): { tokens: string[]; vsn: string | null } {
  const start = url.indexOf('?');
  const params = new URLSearchParams(start < 0 ? '' : url.slice(start + 1));
  return { tokens: params.getAll('token').filter((t) => t !== ''), vsn: params.get('vsn') };
}

/** The session token: the header, else the last `token` value when there are several or it is session-shaped. */
function sessionTokenOf(request: FastifyRequest, tokens: string[]): string | undefined {
  const fromHeader = header(request, 'x-phoenix-longpoll-token');
  if (fromHeader !== undefined) return fromHeader;
  const last = tokens.at(-1);
  return last !== undefined && (tokens.length > 1 || last.startsWith(SESSION_TOKEN_PREFIX)) ? last : undefined;
}

/** The node id in a session token `lp1.<node>.<random>`; undefined for a token without one. */
function ownerOf(token: string): string | undefined {
  if (!token.startsWith(SESSION_TOKEN_PREFIX)) return undefined;
  const rest = token.slice(SESSION_TOKEN_PREFIX.length);
  const dot = rest.indexOf('.');
  return dot > 0 ? rest.slice(0, dot) : undefined;
}

/** Aborts when the client's connection closes (it will not read the answer). */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  return controller.signal;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
