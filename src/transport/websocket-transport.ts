import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { LIMITS } from '../config/limits.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import type { EncodedFrame } from '../protocol/frame.ts';
import { CLOSE_CODES, closeReason } from './close-codes.ts';
import type { AcceptConnection, Connection, ConnectionHandler, TokenVerifier } from './connection.ts';

export const WEBSOCKET_PATH = '/socket/websocket';
/** phoenix.js `authToken`: sent as the subprotocol `base64url.bearer.phx.<base64(token)>`. */
const AUTH_TOKEN_PREFIX = 'base64url.bearer.phx.';

export interface WebSocketTransportOptions {
  tokens: TokenVerifier;
  accept: AcceptConnection;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  /** Defaults to LIMITS.idleTimeoutMs. */
  idleTimeoutMs?: number;
}

interface Entry {
  readonly ws: WebSocket;
  readonly connection: Connection;
  handler: ConnectionHandler | undefined;
  lastSeen: number;
}

/**
 * Phoenix's WebSocket transport at `/socket/websocket` on a node `http.Server`:
 * - the upgrade is refused with plain HTTP before any WebSocket exists: 400 when `vsn` is not
 *   2.0.0, 403 when the socket token (query `token`, or the phoenix.js `authToken`
 *   subprotocol, which wins) is missing, expired or forged;
 * - subprotocol `phoenix` is selected and echoed when offered; compression is off (per-message
 *   deflate fragments memory and costs CPU on every broadcast);
 * - frames over LIMITS.maxFrameBytes are refused by `ws` with close 1009, invalid UTF-8 with 1007;
 * - one sweep timer for all connections closes those silent for LIMITS.idleTimeoutMs (4408);
 * - after each send, a socket with more than LIMITS.maxBufferedBytes unsent is a slow consumer
 *   and is terminated without a close frame (see close-codes.ts).
 * It knows nothing of topics: frames go to the ConnectionHandler that `accept` returns.
 */
export class WebSocketTransport {
  private readonly options: WebSocketTransportOptions;
  private readonly idleTimeoutMs: number;
  private readonly wss: WebSocketServer;
  private readonly entries = new Set<Entry>();
  private sweepTimer: unknown = undefined;
  private server: Server | undefined;
  private closing = false;

  constructor(options: WebSocketTransportOptions) {
    this.options = options;
    this.idleTimeoutMs = options.idleTimeoutMs ?? LIMITS.idleTimeoutMs;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: LIMITS.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
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
      entry.connection.close(code, reason);
    }));
    // A peer that never answers the close frame is cut off after a short grace period.
    const grace = setTimeout(() => { for (const entry of this.entries) entry.ws.terminate(); }, 2_000);
    grace.unref();
    await Promise.all(closed);
    clearTimeout(grace);
    this.wss.close();
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (err) => this.options.logger.debug({ err }, 'websocket: socket error during upgrade'));
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WEBSOCKET_PATH) {
      // Another upgrade listener may own this path; answer only when nobody else can.
      if (this.server && this.server.listenerCount('upgrade') === 1) refuse(socket, 404, 'no WebSocket endpoint here');
      return;
    }
    if (this.closing) return refuse(socket, 503, 'server shutting down');
    if (url.searchParams.get('vsn') !== '2.0.0') return refuse(socket, 400, 'vsn must be 2.0.0');
    const token = tokenFromSubprotocols(req.headers['sec-websocket-protocol']) ?? url.searchParams.get('token');
    const userId = this.options.tokens.verify(token);
    if (userId === undefined) return refuse(socket, 403, '');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, userId));
  };

  private open(ws: WebSocket, userId: string): void {
    const maxBuffered = LIMITS.maxBufferedBytes;
    const logger = this.options.logger;
    const id = `ws-${randomUUID()}`;
    const connection: Connection = {
      id,
      transport: 'websocket',
      send(frame: EncodedFrame) {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(frame);
        if (ws.bufferedAmount > maxBuffered) {
          logger.warn({ connection: id, buffered: ws.bufferedAmount }, 'websocket: slow consumer terminated');
          ws.terminate();
        }
      },
      close(code: number, reason: string) {
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, closeReason(reason));
      },
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
    };
    const entry: Entry = { ws, connection, handler: undefined, lastSeen: this.options.clock.now() };
    this.entries.add(entry);
    ws.on('error', (err) => logger.debug({ err, connection: id }, 'websocket: error'));
    ws.on('close', (code, reason) => {
      this.entries.delete(entry);
      entry.handler?.closed(code, reason.toString('utf8'));
    });
    ws.on('message', (data, isBinary) => {
      entry.lastSeen = this.options.clock.now();
      const buffer = toBuffer(data);
      entry.handler?.receive(isBinary ? buffer : buffer.toString('utf8'), isBinary);
    });
    entry.handler = this.options.accept(connection, userId);
  }

  private sweepIdle(): void {
    const cutoff = this.options.clock.now() - this.idleTimeoutMs;
    for (const entry of this.entries) {
      if (entry.lastSeen <= cutoff) entry.connection.close(CLOSE_CODES.idleTimeout, 'idle timeout');
    }
  }
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

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** A plain HTTP answer on the raw socket: no upgrade happens. */
function refuse(socket: Duplex, status: number, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
