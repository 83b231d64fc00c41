import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { LIMITS } from '../config/limits.ts';
import type { Bus, BusHandler, BusMessage } from './bus.ts';
import { decodeEnvelope, encodeEnvelope } from './bus-envelope.ts';

export interface RedisBusOptions {
  /** `redis://…` or `rediss://…` */
  url: string;
  /** This node's id, stamped on every publish so the node skips its own. */
  nodeId: string;
  /** Prepended to every Redis channel (tests use a unique one each); default `renraku:bus:`. */
  prefix?: string;
  logger?: Logger;
}

export interface RedisBusStats {
  connected: boolean;
  published: number;
  received: number;
  /** Publishes dropped because the publishing connection was down. */
  dropped: number;
  /** Messages that failed to decode (logged and dropped). */
  decodeErrors: number;
  resyncs: number;
}

/** Channel that carries "I dropped messages, resync" from a node whose publisher reconnected. */
const RESYNC_CHANNEL = '!resync';
/** Channels per SUBSCRIBE when resubscribing after a reconnect. */
const RESUBSCRIBE_CHUNK = 1000;

/**
 * The Bus over Redis pub/sub: one publishing and one subscribing connection per node, so one
 * node's publishes reach every other node in order across topics. A Redis channel is held only
 * while this node has a handler for its topic (PubSub reference-counts local subscribers).
 *
 * Outages: both connections reconnect by themselves (backoff up to
 * LIMITS.busReconnectMaxDelayMs). While the publisher is down, publishes are dropped and counted
 * (at most once; nothing is queued to arrive late); while the subscriber is down, subscribe
 * records the topic and resolves. After an outage every topic is subscribed again and
 * `onResync` listeners run — also on the other nodes when this node dropped publishes — so
 * clients catch up from the store. A message that fails to decode is logged, counted, dropped.
 */
export class RedisBus implements Bus {
  private readonly nodeId: string;
  private readonly prefix: string;
  private readonly logger: Logger | undefined;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, BusHandler>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly counters = { published: 0, received: 0, dropped: 0, decodeErrors: 0, resyncs: 0 };
  private receiveLag: ((seconds: number) => void) | undefined;
  /** Publishes dropped since the publisher was last ready: the others must be told to resync. */
  private droppedSinceReady = 0;
  private subscriberWasReady = false;
  private resyncTimer: NodeJS.Timeout | undefined;
  private closed = false;

  /** Connects both connections (bounded by LIMITS.busConnectTimeoutMs) and returns the bus. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const bus = new RedisBus(options);
    try {
      await bus.start();
      return bus;
    } catch (err) {
      await bus.close();
      throw new Error(`bus: cannot reach Redis at ${redactUrl(options.url)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  private constructor(options: RedisBusOptions) {
    this.nodeId = options.nodeId;
    this.prefix = options.prefix ?? 'renraku:bus:';
    this.logger = options.logger;
    const common: RedisOptions = {
      lazyConnect: true,
      // Fail fast instead of queueing: a late broadcast is worse than a resync.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // We resubscribe ourselves, so we know when it is done and can resync after it.
      autoResubscribe: false,
      retryStrategy: (attempt) => Math.min(attempt * LIMITS.busReconnectStepMs, LIMITS.busReconnectMaxDelayMs),
    };
    this.publisher = new Redis(options.url, { ...common, connectionName: `renraku-${this.nodeId}-pub` });
    this.subscriber = new Redis(options.url, { ...common, connectionName: `renraku-${this.nodeId}-sub` });
    for (const [name, connection] of [['publisher', this.publisher], ['subscriber', this.subscriber]] as const) {
      // ioredis reports each failed attempt as 'error'; the outage itself is logged once, below.
      connection.on('error', (err: Error) => this.logger?.debug({ err, connection: name }, 'bus: redis connection error'));
      connection.on('close', () => this.onDown(name));
    }
    this.publisher.on('ready', () => this.onPublisherReady());
    this.subscriber.on('ready', () => this.onSubscriberReady());
    this.subscriber.on('messageBuffer', (channel: Buffer, data: Buffer) => this.onMessage(channel.toString('latin1'), data));
  }

  /** From now on, tells `listener` how long after its publishing (publisher's wall clock) each message arrived. */
  observeReceiveLag(listener: (seconds: number) => void): void {
    this.receiveLag = listener;
  }

  async publish(topic: string, message: BusMessage): Promise<void> {
    this.assertOpen('publish');
    const data = encodeEnvelope(this.nodeId, message, Date.now());
    if (this.publisher.status !== 'ready') return this.drop();
    try {
      await this.publisher.publish(this.prefix + topic, data);
      this.counters.published++;
    } catch {
      // The connection broke with this publish in flight: it may or may not have gone out.
      this.drop();
    }
  }

  async subscribe(topic: string, handler: BusHandler): Promise<void> {
    this.assertOpen('subscribe');
    if (this.handlers.has(topic)) throw new Error(`bus: already subscribed to "${topic}"; unsubscribe first`);
    this.handlers.set(topic, handler);
    if (this.subscriber.status !== 'ready') return; // resubscribed (and resynced) on reconnect
    try {
      await this.subscriber.subscribe(this.prefix + topic);
    } catch (err) {
      if (this.closed) throw err;
      // Lost with the connection: the reconnect resubscribes it and resyncs.
    }
  }

  async unsubscribe(topic: string): Promise<void> {
    if (!this.handlers.delete(topic) || this.subscriber.status !== 'ready') return;
    try {
      await this.subscriber.unsubscribe(this.prefix + topic);
    } catch {
      // Lost with the connection: the reconnect subscribes only what is still in the table.
    }
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    this.resyncListeners.clear();
    clearTimeout(this.resyncTimer);
    this.subscriber.disconnect();
    if (this.publisher.status === 'ready') await this.publisher.quit().catch(() => this.publisher.disconnect());
    else this.publisher.disconnect();
  }

  stats(): RedisBusStats {
    return { connected: this.publisher.status === 'ready' && this.subscriber.status === 'ready', ...this.counters };
  }

  private async start(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not ready within ${LIMITS.busConnectTimeoutMs} ms`)), LIMITS.busConnectTimeoutMs);
    });
    try {
      await Promise.race([Promise.all([this.publisher.connect(), this.subscriber.connect()]), timeout]);
      await Promise.race([this.subscriber.subscribe(this.prefix + RESYNC_CHANNEL), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private drop(): void {
    this.counters.dropped++;
    if (this.droppedSinceReady++ === 0) this.logger?.warn('bus: Redis is unreachable; dropping publishes until it is back (clients resync then)');
  }

  private onDown(name: 'publisher' | 'subscriber'): void {
    if (this.closed) return;
    if (name === 'subscriber' && this.subscriberWasReady) this.logger?.warn('bus: lost the Redis subscription connection; reconnecting');
  }

  private onPublisherReady(): void {
    if (this.droppedSinceReady === 0) return;
    this.logger?.info({ dropped: this.droppedSinceReady }, 'bus: Redis is back; telling the other nodes to resync');
    this.droppedSinceReady = 0;
    this.publisher.publish(this.prefix + RESYNC_CHANNEL, encodeEnvelope(this.nodeId, { frame: 'resync' })).catch(() => this.drop());
    this.scheduleResync();
  }

  /** The first ready is the start; every later one follows an outage: resubscribe, then resync. */
  private onSubscriberReady(): void {
    if (!this.subscriberWasReady) {
      this.subscriberWasReady = true;
      return;
    }
    const channels = [RESYNC_CHANNEL, ...this.handlers.keys()].map((topic) => this.prefix + topic);
    const chunks: string[][] = [];
    for (let i = 0; i < channels.length; i += RESUBSCRIBE_CHUNK) chunks.push(channels.slice(i, i + RESUBSCRIBE_CHUNK));
    Promise.all(chunks.map((chunk) => this.subscriber.subscribe(...chunk))).then(
      () => {
        this.logger?.info({ topics: channels.length - 1 }, 'bus: Redis is back; resubscribed');
        this.scheduleResync();
      },
      // Lost again: the next ready retries.
      (err: unknown) => this.logger?.debug({ err }, 'bus: resubscribing failed; waiting for the next reconnect'),
    );
  }

  /** Coalesces the causes of one outage (LIMITS.busResyncCoalesceMs) into one resync. */
  private scheduleResync(): void {
    if (this.resyncTimer !== undefined || this.closed) return;
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = undefined;
      // Subscriptions not back yet: the subscriber's reconnect resubscribes, then resyncs.
      if (this.closed || this.subscriber.status !== 'ready') return;
      this.counters.resyncs++;
      for (const listener of this.resyncListeners) {
        try {
          listener();
        } catch (err) {
          this.logger?.error({ err }, 'bus: a resync listener threw');
        }
      }
    }, LIMITS.busResyncCoalesceMs);
  }

  private onMessage(channel: string, data: Buffer): void {
    if (this.closed || !channel.startsWith(this.prefix)) return;
    let envelope;
    try {
      envelope = decodeEnvelope(data);
    } catch (err) {
      this.counters.decodeErrors++;
      this.logger?.error({ err, channel, bytes: data.length }, 'bus: dropped a message that failed to decode');
      return;
    }
    if (envelope.nodeId === this.nodeId) return;
    const topic = channel.slice(this.prefix.length);
    if (topic === RESYNC_CHANNEL) return this.scheduleResync();
    const handler = this.handlers.get(topic);
    if (!handler) return;
    this.counters.received++;
    if (envelope.sentAt !== undefined) this.receiveLag?.(Math.max(0, Date.now() - envelope.sentAt) / 1000);
    try {
      handler(envelope.message);
    } catch (err) {
      this.logger?.error({ err, topic }, 'bus: a handler threw');
    }
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new Error(`bus: cannot ${what} after close()`);
  }
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
