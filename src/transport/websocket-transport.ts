import { randomBytes } from 'node:crypto';
import { NO_SERVER_METRICS, type ServerMetrics } from '../shared/server-metrics.ts';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { LIMITS } from '../config/limits.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import type { EncodedFrame } from '../protocol/frame.ts';
import { CLOSE_CODES, closeReason } from './close-codes.ts';
import { WireFrames } from './wire-frame.ts';
import type { AcceptConnection, Connection, ConnectionHandler, TokenVerifier } from './connection.ts';
import { SessionGate, type SessionIsLive, type SocketIdentity } from './session-gate.ts';
import { closeFrameReceived, rawSocket, senderIdle } from './ws-internals.ts';

export const WEBSOCKET_PATH = '/socket/websocket';
/** phoenix.js `authToken`: sent as the subprotocol `base64url.bearer.phx.<base64(token)>`. */
const AUTH_TOKEN_PREFIX = 'base64url.bearer.phx.';

export interface WebSocketTransportOptions {
  tokens: TokenVerifier;
  /** Checked at each upgrade after the token's signature: a token of an ended session gets 403. */
  sessionIsLive: SessionIsLive;
  accept: AcceptConnection;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** Defaults to LIMITS.idleTimeoutMs. */
  idleTimeoutMs?: number;
  /** Slow-consumer cut-offs are counted here (operations' metrics). */
  metrics?: ServerMetrics;
}

/**
 * `ws` closes on its own for invalid UTF-8 (1007) and a frame over `maxPayload` (1009), with an
 * empty reason; this subclass, which `ws` builds for every upgrade, fills in the reason.
 */
class ReasonedWebSocket extends WebSocket {
  override close(code?: number, reason?: string | Buffer): void {
    // An echo of the peer's own close frame keeps the peer's (maybe empty) reason.
    const echo = closeFrameReceived(this);
    const own = echo || code === undefined || (reason !== undefined && reason.length > 0) ? undefined : OWN_CLOSE_REASONS[code];
    super.close(code, own ?? reason);
  }
}

/** The reasons for the closes `ws` makes itself (and 1002 for a frame breaking RFC 6455). */
const OWN_CLOSE_REASONS: Record<number, string> = {
  1002: 'invalid WebSocket frame',
  [CLOSE_CODES.invalidFrame]: 'invalid UTF-8 in a text frame',
  [CLOSE_CODES.messageTooBig]: `frame over ${LIMITS.maxFrameBytes} bytes`,
};

/** Where each `ws` finds its connection: one property instead of a closure per listener. */
const CONNECTION = Symbol('renraku.connection');
type TrackedWebSocket = WebSocket & { [CONNECTION]?: WebSocketConnection };

/**
 * One WebSocket as a Connection. Methods live on the prototype and the `ws` listeners are
 * shared functions, so an idle connection costs its fields and nothing else: no closures,
 * no timer (the transport's one idle sweep reads `lastSeen`).
 *
 * Frames are not written one by one: `send` queues the frame's bytes (framed once per
 * broadcast, see WireFrames) and the transport writes every queued connection once per turn
 * of the event loop (setImmediate, right after the I/O phase that produced them) — one
 * `write` for a single frame, one `writev` for several (a join reply and its presence_state,
 * or the messages of one group commit). Frames never wait longer than that turn.
 */
class WebSocketConnection implements Connection {
  readonly ws: WebSocket;
  /** The id's number: the string is made when asked for (logs), not kept per connection. */
  private readonly serial: number;
  handler: ConnectionHandler | undefined = undefined;
  lastSeen: number;
  readonly owner: WebSocketTransport;
  /** The sign-in session of its socket token: the connection closes when it ends (closeSessions). */
  readonly sessionId: string;
  /** Bytes waiting for this turn's flush: one frame, or several in order. */
  private queued: Buffer | Buffer[] | undefined = undefined;
  private queuedBytes = 0;

  constructor(owner: WebSocketTransport, ws: WebSocket, serial: number, now: number, sessionId: string) {
    this.owner = owner;
    this.ws = ws;
    this.serial = serial;
    this.lastSeen = now;
    this.sessionId = sessionId;
  }

  get id(): string {
    return this.owner.idPrefix + this.serial.toString(36);
  }

  get transport(): 'websocket' {
    return 'websocket';
  }

  send(frame: EncodedFrame): void {
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (!senderIdle(ws)) {
      // ws is queueing frames of its own (never with compression off): keep its order.
      this.flush();
      ws.send(frame);
    } else {
      const bytes = this.owner.frames.bytes(frame);
      const queued = this.queued;
      if (queued === undefined) {
        this.queued = bytes;
        this.owner.flushLater(this);
      } else if (Array.isArray(queued)) {
        queued.push(bytes);
      } else {
        this.queued = [queued, bytes];
      }
      this.queuedBytes += bytes.length;
    }
    if (this.bufferedAmount > LIMITS.maxBufferedBytes) {
      this.owner.logger.warn({ connection: this.id, buffered: this.bufferedAmount }, 'websocket: slow consumer terminated');
      this.owner.metrics.slowClientCut();
      this.queued = undefined;
      this.queuedBytes = 0;
      ws.terminate();
    }
  }

  /** @internal Writes what is queued (the transport calls it once per turn). */
  flush(): void {
    const queued = this.queued;
    if (queued === undefined) return;
    this.queued = undefined;
    this.queuedBytes = 0;
    const ws = this.ws;
    if (ws.readyState !== ws.OPEN) return;
    const socket = rawSocket(ws);
    if (!Array.isArray(queued)) {
      socket.write(queued);
      return;
    }
    socket.cork();
    for (const bytes of queued) socket.write(bytes);
    socket.uncork();
  }

  close(code: number, reason: string): void {
    const ws = this.ws;
    this.flush(); // what was sent before the close goes before the close frame
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, closeReason(reason));
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount + this.queuedBytes;
  }
}

/**
 * Phoenix's WebSocket transport at `/socket/websocket` on a node `http.Server`:
 * - the upgrade is refused with plain HTTP before any WebSocket exists: 400 when `vsn` is not
 *   2.0.0, 403 when the socket token (query `token`, or the phoenix.js `authToken`
 *   subprotocol, which wins) is missing, expired or forged, or its session has ended (one
 *   store read, after the signature check), 503 when that read fails;
 * - `closeSessions` closes the connections of ended sessions with 4401;
 * - subprotocol `phoenix` is selected and echoed when offered; compression is off (per-message
 *   deflate fragments memory and costs CPU on every broadcast);
 * - frames over LIMITS.maxFrameBytes are refused by `ws` with close 1009, invalid UTF-8 with 1007,
 *   each with a reason (ReasonedWebSocket);
 * - one sweep timer for all connections closes those silent for LIMITS.idleTimeoutMs (4408);
 * - after each send, a socket with more than LIMITS.maxBufferedBytes unsent (queued for this
 *   turn's write included) is a slow consumer and is terminated without a close frame
 *   (see close-codes.ts).
 * It knows nothing of topics: frames go to the ConnectionHandler that `accept` returns.
 */
export class WebSocketTransport {
  private readonly options: WebSocketTransportOptions;
  private readonly gate: SessionGate;
  private readonly idleTimeoutMs: number;
  private readonly wss: WebSocketServer;
  private readonly entries = new Set<WebSocketConnection>();
  /** @internal The frame bytes cache every connection of this transport shares. */
  readonly frames = new WireFrames();
  /** @internal */
  readonly logger: Logger;
  /** @internal */
  readonly metrics: ServerMetrics;
  /** Connections with frames queued this turn, and whether the flush is scheduled. */
  private flushing: WebSocketConnection[] = [];
  private flushScheduled = false;
  private readonly flushAll = (): void => {
    this.flushScheduled = false;
    const flushing = this.flushing;
    this.flushing = [];
    for (const connection of flushing) connection.flush();
  };
  /** Connection ids: a random prefix per transport and a counter (no UUID per connection). */
  readonly idPrefix = `ws-${randomBytes(6).toString('base64url')}-`;
  private nextId = 0;
  private sweepTimer: unknown = undefined;
  private server: Server | undefined;
  private closing = false;

  constructor(options: WebSocketTransportOptions) {
    this.options = options;
    this.gate = new SessionGate(options.tokens, options.sessionIsLive);
    this.idleTimeoutMs = options.idleTimeoutMs ?? LIMITS.idleTimeoutMs;
    this.logger = options.logger;
    this.metrics = options.metrics ?? NO_SERVER_METRICS;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: LIMITS.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
      WebSocket: ReasonedWebSocket,
      handleProtocols: (protocols) => (protocols.has('phoenix') ? 'phoenix' : false),
    });
  }

  get size(): number {
    return this.entries.size;
  }

  attach(server: Server): void {
    if (this.server) throw new Error('WebSocketTransport.attach: already attached to a server');
    this.server = server;
    server.on('upgrade', this.onUpgrade);
    this.sweepTimer = this.options.timers.setInterval(() => this.sweepIdle(), LIMITS.idleSweepMs);
  }

  /** Closes every connection with `code` and resolves once all are closed (terminating stragglers). */
  async close(code: number = CLOSE_CODES.goingAway, reason = 'server shutting down'): Promise<void> {
    this.closing = true;
    if (this.sweepTimer !== undefined) this.options.timers.clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.server?.off('upgrade', this.onUpgrade);
    const closed = [...this.entries].map((entry) => new Promise<void>((resolve) => {
      if (entry.ws.readyState === entry.ws.CLOSED) return resolve();
      entry.ws.once('close', () => resolve());
      entry.close(code, reason);
    }));
    // A peer that never answers the close frame is cut off after a short grace period.
    const grace = setTimeout(() => { for (const entry of this.entries) entry.ws.terminate(); }, 2_000);
    grace.unref();
    await Promise.all(closed);
    clearTimeout(grace);
    this.wss.close();
  }

  /** Closes (4401) every connection opened with one of these sessions; refuses upgrades of them still being checked. */
  closeSessions(sessionIds: readonly string[]): void {
    this.gate.ended(sessionIds);
    const ended = new Set(sessionIds);
    for (const connection of this.entries) {
      if (ended.has(connection.sessionId)) connection.close(CLOSE_CODES.sessionEnded, 'session ended');
    }
  }

  /** One listener for every upgrading socket (it stays on the socket for its life: no closure per socket). */
  private readonly onUpgradeError = (err: Error): void => this.logger.debug({ err }, 'websocket: socket error during upgrade');

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', this.onUpgradeError);
    // No WHATWG URL per upgrade (~20 µs of a join storm's budget): the path and two parameters.
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const pathname = q === -1 ? target : target.slice(0, q);
    const query = q === -1 ? '' : target.slice(q + 1);
    if (pathname !== WEBSOCKET_PATH) {
      // Another upgrade listener may own this path; answer only when nobody else can.
      if (this.server && this.server.listenerCount('upgrade') === 1) refuse(socket, 404, 'no WebSocket endpoint here');
      return;
    }
    if (this.closing) return refuse(socket, 503, 'server shutting down');
    if (queryParam(query, 'vsn') !== '2.0.0') return refuse(socket, 400, 'vsn must be 2.0.0');
    const token = tokenFromSubprotocols(req.headers['sec-websocket-protocol']) ?? queryParam(query, 'token');
    const identity = this.gate.verify(token);
    if (identity === undefined) return refuse(socket, 403, '');
    this.gate.admit(identity, (live) => this.upgrade(req, socket, head, live)).then(
      (upgraded) => upgraded ?? refuse(socket, 403, ''),
      (err: unknown) => {
        this.logger.error({ err }, 'websocket: could not check the socket token\'s session');
        refuse(socket, 503, 'unavailable');
      },
    );
  };

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, identity: SocketIdentity): true {
    if (this.closing) refuse(socket, 503, 'server shutting down');
    else this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, identity));
    return true;
  }

  private open(ws: WebSocket, identity: SocketIdentity): void {
    const { userId, sessionId } = identity;
    const connection = new WebSocketConnection(this, ws, this.nextId++, this.options.clock.now(), sessionId);
    this.entries.add(connection);
    (ws as TrackedWebSocket)[CONNECTION] = connection;
    ws.on('error', onError);
    ws.on('close', onClose);
    ws.on('message', onMessage);
    connection.handler = this.options.accept(connection, userId);
  }

  /** @internal A connection queued its first frame of this turn. */
  flushLater(connection: WebSocketConnection): void {
    this.flushing.push(connection);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushAll);
  }

  /** @internal Called by a connection's `close` listener. */
  forget(connection: WebSocketConnection): void {
    this.entries.delete(connection);
  }

  /** @internal */
  now(): number {
    return this.options.clock.now();
  }

  private sweepIdle(): void {
    const cutoff = this.options.clock.now() - this.idleTimeoutMs;
    for (const connection of this.entries) {
      if (connection.lastSeen <= cutoff) connection.close(CLOSE_CODES.idleTimeout, 'idle timeout');
    }
  }
}

// The `ws` listeners, shared by every connection (`this` is the WebSocket).
function onError(this: TrackedWebSocket, err: Error): void {
  const connection = this[CONNECTION];
  connection?.owner.logger.debug({ err, connection: connection.id }, 'websocket: error');
}

function onClose(this: TrackedWebSocket, code: number, reason: Buffer): void {
  const connection = this[CONNECTION];
  if (!connection) return;
  connection.owner.forget(connection);
  connection.handler?.closed(code, reason.toString('utf8'));
}

function onMessage(this: TrackedWebSocket, data: RawData, isBinary: boolean): void {
  const connection = this[CONNECTION];
  if (!connection) return;
  connection.lastSeen = connection.owner.now();
  const buffer = toBuffer(data);
  connection.handler?.receive(isBinary ? buffer : buffer.toString('utf8'), isBinary);
}

/** The token carried by phoenix.js `authToken`, if the subprotocol header has one. */
export function tokenFromSubprotocols(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const protocol = part.trim();
    // base64 or base64url, unpadded: Buffer accepts both alphabets.
    if (protocol.startsWith(AUTH_TOKEN_PREFIX)) return Buffer.from(protocol.slice(AUTH_TOKEN_PREFIX.length), 'base64').toString('utf8');
  }
  return undefined;
}

/**
 * The first value of `name` in a query string, decoded as URLSearchParams does (`+` is a space,
 * percent escapes are decoded, a malformed escape is kept as written); null when absent.
 */
export function queryParam(query: string, name: string): string | null {
  for (let start = 0; start <= query.length; ) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    const eq = query.indexOf('=', start);
    const keyEnd = eq === -1 || eq > end ? end : eq;
    if (decodeQueryPart(query.slice(start, keyEnd)) === name) return keyEnd === end ? '' : decodeQueryPart(query.slice(keyEnd + 1, end));
    start = end + 1;
  }
  return null;
}

function decodeQueryPart(part: string): string {
  const plain = part.includes('+') ? part.replace(/\+/g, ' ') : part;
  if (!plain.includes('%')) return plain;
  try {
    return decodeURIComponent(plain);
  } catch {
    return new URLSearchParams(`x=${part}`).get('x') ?? plain;
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** A plain HTTP answer on the raw socket: no upgrade happens. */
function refuse(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return; // the client left while its token was checked
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
