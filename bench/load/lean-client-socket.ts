import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { ClientSocket, ClientSocketEvents, ClientSocketTarget } from './client-socket.ts';
import { clientFrame, FrameReader, OPCODE, randomFromPool } from './lean-frames.ts';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The largest frame a server may send the generator (a recovery page, a big presence list). */
const MAX_PAYLOAD = 64 * 1024 * 1024;
/** An upgrade response longer than this is not one. */
const MAX_HEAD = 16 * 1024;
/** Every lean socket of a worker reads into this one buffer: a read is handled before the next. */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/** A worker's clients share one base URL: parsed once, not per connection. */
const parsedBases = new Map<string, { host: string; hostname: string; port: number }>();

function parseBase(base: string): { host: string; hostname: string; port: number } {
  let parsed = parsedBases.get(base);
  if (!parsed) {
    const url = new URL(base);
    parsed = { host: url.host, hostname: url.hostname, port: Number(url.port) };
    parsedBases.set(base, parsed);
  }
  return parsed;
}

/**
 * A WebSocket client on a bare `net.Socket`: the HTTP upgrade written as one prepared request
 * and its 101 checked by hand (status and Sec-WebSocket-Accept), frames parsed from reads into
 * a buffer shared by all sockets (`onread`: no stream, no Buffer per read). It does per
 * connection and per frame only what the protocol requires, so the generator shows more of
 * the machine than the `ws` client (node's HTTP client, a Receiver stream per socket).
 */
export function leanClientSocket(target: ClientSocketTarget, events: ClientSocketEvents): ClientSocket {
  return new LeanClientSocket(target, events);
}

class LeanClientSocket implements ClientSocket {
  private readonly socket: Socket;
  private state: 'connecting' | 'handshake' | 'open' | 'closed' = 'connecting';
  private head: Buffer | null = null;
  private readonly reader: FrameReader;
  private closeCode = 1006;
  /** the Sec-WebSocket-Accept the server must answer with */
  private readonly accept: string;

  constructor(
    target: ClientSocketTarget,
    private readonly events: ClientSocketEvents,
  ) {
    const url = parseBase(target.base);
    const key = randomFromPool(16).toString('base64');
    const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
    const request =
      `GET ${target.path} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    this.reader = new FrameReader(
      {
        message: (payload) => events.message(payload),
        control: (opcode, payload) => this.control(opcode, payload),
      },
      MAX_PAYLOAD,
    );
    this.socket = connect({
      host: url.hostname,
      port: url.port,
      localAddress: target.from.address,
      ...(target.from.port === undefined ? {} : { localPort: target.from.port }),
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (n) => this.read(READ_BUFFER.subarray(0, n)) },
    });
    this.socket.once('connect', () => {
      this.state = 'handshake';
      this.socket.write(request);
    });
    this.socket.on('error', (e) => events.error(e));
    this.socket.once('close', () => {
      const wasOpen = this.state !== 'closed';
      this.state = 'closed';
      if (wasOpen) events.close(this.closeCode);
    });
    this.accept = accept;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  send(text: string): void {
    if (this.state === 'open') this.socket.write(clientFrame(OPCODE.text, text));
  }

  terminate(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): boolean {
    try {
      if (this.state === 'open') this.reader.push(chunk);
      else if (this.state === 'handshake') this.handshake(chunk);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
    return true;
  }

  private handshake(chunk: Buffer): void {
    const head = this.head ? Buffer.concat([this.head, chunk]) : Buffer.from(chunk);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > MAX_HEAD) throw new Error('upgrade response head too long');
      this.head = head;
      return;
    }
    this.head = null;
    const text = head.toString('latin1', 0, end);
    const status = text.slice(0, text.indexOf('\r\n'));
    if (!/^HTTP\/1\.1 101 /.test(status)) throw new Error(`Unexpected server response: ${status.slice(9, 12)}`);
    const given = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(text)?.[1];
    if (given !== this.accept) throw new Error('invalid Sec-WebSocket-Accept');
    this.state = 'open';
    this.events.open();
    const rest = head.subarray(end + 4);
    if (rest.length > 0 && this.state === 'open') this.reader.push(rest);
  }

  private control(opcode: number, payload: Buffer): void {
    if (opcode === OPCODE.ping) this.socket.write(clientFrame(OPCODE.pong, Buffer.from(payload)));
    else if (opcode === OPCODE.close) {
      this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      this.socket.end(clientFrame(OPCODE.close, Buffer.from(payload.subarray(0, 2))));
      this.state = 'closed';
      this.events.close(this.closeCode);
    }
  }

  private fail(e: Error): void {
    this.events.error(e);
    this.socket.destroy();
  }
}
