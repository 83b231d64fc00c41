import { connect } from 'node:net';
import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import { encodeZabbixFrame, readZabbixFrame, senderRequest, type SenderItem } from './zabbix-frame.ts';
import { readItem, type ZabbixItem } from './zabbix-items.ts';

export interface ZabbixSenderDeps {
  /** `host:port` of the Zabbix server or proxy (its trapper port). */
  server: string;
  /** This node's host name in Zabbix. */
  host: string;
  items: readonly ZabbixItem[];
  clock: Clock;
  timers: Timers;
  logger: Logger;
  intervalMs?: number;
}

/** How the server answered one push: `processed`/`failed` as its `info` line counts them. */
export interface PushResult {
  response: string;
  info: string;
  processed: number;
  failed: number;
}

/**
 * Pushes the key metrics to Zabbix trapper items every interval, the way exometer_zabbix did
 * for the seed: one `sender data` request per interval with every item's value and its clock,
 * framed as `zabbix_sender` frames it. A push that fails is logged and not retried: the next
 * interval carries fresh values.
 */
export class ZabbixSender {
  private readonly deps: ZabbixSenderDeps;
  private timer: unknown;
  private running: Promise<unknown> = Promise.resolve();

  constructor(deps: ZabbixSenderDeps) {
    this.deps = deps;
  }

  start(): void {
    this.timer = this.deps.timers.setInterval(() => {
      this.running = this.push().catch((err: unknown) => this.deps.logger.warn({ err, server: this.deps.server }, 'zabbix: push failed; the next interval sends fresh values'));
    }, this.deps.intervalMs ?? LIMITS.zabbixPushIntervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) this.deps.timers.clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** The items pushed now, each with the current clock. */
  async collect(): Promise<SenderItem[]> {
    const clock = Math.floor(this.deps.clock.now() / 1000);
    const out: SenderItem[] = [];
    for (const item of this.deps.items) {
      if (item.pushParams === undefined) continue;
      const keys = item.pushParams.length === 0 ? [item.key] : item.pushParams.map((p) => `${item.key}[${p}]`);
      for (const key of keys) {
        const value = await readItem(this.deps.items, key);
        if (!(value instanceof Error)) out.push({ host: this.deps.host, key, value, clock });
      }
    }
    return out;
  }

  /** One push now; resolves to the server's answer. */
  async push(): Promise<PushResult> {
    const items = await this.collect();
    const now = this.deps.clock.now();
    const sentAt = { clock: Math.floor(now / 1000), ns: (now % 1000) * 1_000_000 };
    const answer = await exchange(this.deps.server, encodeZabbixFrame(senderRequest(items, sentAt)));
    const parsed = JSON.parse(answer) as { response?: string; info?: string };
    const info = parsed.info ?? '';
    const count = (name: string): number => Number(new RegExp(`${name}: (\\d+)`).exec(info)?.[1] ?? 0);
    const result = { response: parsed.response ?? '', info, processed: count('processed'), failed: count('failed') };
    if (result.response !== 'success' || result.failed > 0) this.deps.logger.warn({ server: this.deps.server, ...result }, 'zabbix: the server refused some values (are the trapper items and host name right?)');
    return result;
  }
}

/** Sends one frame to `host:port` and resolves to the framed answer's text, within LIMITS.zabbixTimeoutMs. */
function exchange(server: string, frame: Buffer): Promise<string> {
  const colon = server.lastIndexOf(':');
  const host = server.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(server.slice(colon + 1));
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buffer = Buffer.alloc(0);
    socket.setTimeout(LIMITS.zabbixTimeoutMs, () => socket.destroy(new Error(`no answer from ${server} within ${LIMITS.zabbixTimeoutMs} ms`)));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(frame));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      try {
        const answer = readZabbixFrame(buffer, 1024 * 1024);
        if (!answer) return;
        socket.end();
        resolve(answer.data.toString('utf8'));
      } catch (err) {
        socket.destroy();
        reject(err as Error);
      }
    });
    socket.on('close', () => reject(new Error(`${server} closed the connection without a complete answer`)));
  });
}
