import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import { encodeZabbixFrame, notSupported, readZabbixFrame } from './zabbix-frame.ts';
import { readItem, type ZabbixItem } from './zabbix-items.ts';
import { closeServer } from '../shared/close-server.ts';

/**
 * A passive Zabbix agent for Renraku's own keys (`zabbix_get -k renraku.connections`): one
 * request per TCP connection, a ZBXD-framed item key in, the value out framed the same way,
 * `ZBX_NOTSUPPORTED\0<reason>` for a key it does not answer. A bare key ending in a newline
 * (agents before 4.0) is accepted too. Each exchange ends within LIMITS.zabbixTimeoutMs.
 */
export class ZabbixAgent {
  private readonly items: readonly ZabbixItem[];
  private readonly logger: Logger;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(deps: { items: readonly ZabbixItem[]; logger: Logger }) {
    this.items = deps.items;
    this.logger = deps.logger;
  }

  /** Listens on host:port (port 0: any free one); resolves to the port. */
  listen(host: string, port: number): Promise<number> {
    const server = createServer((socket) => this.serve(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await closeServer(server, this.sockets);
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.setTimeout(LIMITS.zabbixTimeoutMs, () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      buffer = Buffer.concat([buffer, chunk]);
      let key: string | undefined;
      try {
        key = this.key(buffer);
      } catch (err) {
        answered = true;
        this.logger.warn({ err, peer: socket.remoteAddress }, 'zabbix agent: unreadable request');
        socket.end(encodeZabbixFrame(notSupported((err as Error).message)));
        return;
      }
      if (key === undefined) return;
      answered = true;
      void readItem(this.items, key).then((value) => {
        if (value instanceof Error) this.logger.debug({ key, reason: value.message }, 'zabbix agent: key not supported');
        socket.end(encodeZabbixFrame(value instanceof Error ? notSupported(value.message) : Buffer.from(value, 'utf8')));
      });
    });
  }

  /** The requested key, once complete; undefined while more bytes are needed. */
  private key(buffer: Buffer): string | undefined {
    if (buffer.length > LIMITS.zabbixMaxRequestBytes + 13) throw new Error('request too long');
    if (buffer.subarray(0, Math.min(4, buffer.length)).toString('latin1') === 'ZBXD'.slice(0, Math.min(4, buffer.length))) {
      const frame = readZabbixFrame(buffer, LIMITS.zabbixMaxRequestBytes);
      return frame && frame.data.toString('utf8').replace(/\n$/, '');
    }
    const newline = buffer.indexOf(0x0a);
    return newline < 0 ? undefined : buffer.subarray(0, newline).toString('utf8').replace(/\r$/, '');
  }
}
