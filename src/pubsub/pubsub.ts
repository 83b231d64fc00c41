import type { Logger } from 'pino';
import type { ServerMetrics } from '../shared/server-metrics.ts';
import type { Notifier } from '../domain/notifier.ts';
import { v2JsonSerializer } from '../protocol/v2-json-serializer.ts';
import type { Bus, BusMessage } from './bus.ts';

/** Receives each message for a topic; must not throw and must not await (it is on the hot path). */
export type DeliveryHandler = (message: BusMessage) => void;

/** One local subscriber of one topic. */
export interface Subscription {
  readonly id: number;
  readonly topic: string;
  /** Resolves once broadcasts from other nodes are delivered too (local ones are from the start). */
  readonly ready: Promise<void>;
  /** Idempotent. */
  unsubscribe(): void;
}

/** Told of a user's access to a group: revoked (onRevoke) or to be checked again (onRecheck). */
export type RevocationListener = (userId: string, groupId: string) => void;

interface TopicEntry {
  readonly handlers: Map<number, DeliveryHandler>;
  readonly ready: Promise<void>;
}

/** A Subscription as a plain instance: one per joined channel, so no closures (see STYLE: per-socket cost). */
class TopicSubscription implements Subscription {
  readonly id: number;
  readonly topic: string;
  private readonly pubsub: PubSub;
  private readonly entry: TopicEntry;

  constructor(pubsub: PubSub, entry: TopicEntry, id: number, topic: string) {
    this.pubsub = pubsub;
    this.entry = entry;
    this.id = id;
    this.topic = topic;
  }

  get ready(): Promise<void> {
    return this.entry.ready;
  }

  unsubscribe(): void {
    this.pubsub.release(this.entry, this.id, this.topic);
  }
}

/** Internal topic carrying control messages between nodes; never a channel topic (no `:`). */
const CONTROL_TOPIC = 'renraku.control';

interface RevokeControl {
  type: 'revoke';
  user_id: string;
  group_id: string;
}

interface RecheckControl {
  type: 'recheck';
  user_id: string;
  group_id: string;
}

interface CloseSessionsControl {
  type: 'close_sessions';
  user_id: string;
  session_ids: string[];
}

/** Told when sessions end anywhere in the cluster: close the sockets opened with them. */
export type SessionsClosedListener = (userId: string, sessionIds: readonly string[]) => void;

/**
 * This node's subscribers per topic, and the way a broadcast reaches every node. A broadcast is
 * encoded once, `[null, null, topic, event, payload]`, and the same BusMessage (same string
 * instance) is handed synchronously to every local subscriber, then published once on the bus
 * for the other nodes. The bus subscription of a topic is held while the topic has at least
 * one local subscriber. Delivery is at most once; see Bus for ordering.
 */
export class PubSub implements Notifier {
  private readonly bus: Bus;
  private readonly logger: Logger | undefined;
  private readonly topics = new Map<string, TopicEntry>();
  private readonly revocationListeners = new Set<RevocationListener>();
  private readonly recheckListeners = new Set<RevocationListener>();
  private readonly sessionsClosedListeners = new Set<SessionsClosedListener>();
  private nextId = 1;
  /** Resolves once revocations from other nodes are received. */
  readonly ready: Promise<void>;

  /** Set once operations exist (built after PubSub); times each local fan-out. */
  private metrics: ServerMetrics | undefined;

  constructor(deps: { bus: Bus; logger?: Logger }) {
    this.bus = deps.bus;
    this.logger = deps.logger;
    this.ready = this.bus.subscribe(CONTROL_TOPIC, (message) => this.onControl(message));
    this.ready.catch((err: unknown) => this.logger?.error({ err }, 'pubsub: control topic subscription failed'));
  }

  subscribe(topic: string, handler: DeliveryHandler): Subscription {
    let entry = this.topics.get(topic);
    if (!entry) {
      const handlers = new Map<number, DeliveryHandler>();
      const ready = this.bus.subscribe(topic, (message) => this.deliver(handlers, message, undefined));
      // Observed here so an unawaited failure is never an unhandled rejection; subscribers see it through `ready`.
      ready.catch((err: unknown) => this.logger?.error({ err, topic }, 'pubsub: bus subscription failed'));
      entry = { handlers, ready };
      this.topics.set(topic, entry);
    }
    const id = this.nextId++;
    entry.handlers.set(id, handler);
    return new TopicSubscription(this, entry, id, topic);
  }

  /** @internal TopicSubscription.unsubscribe: the bus subscription goes with the topic's last local subscriber. */
  release(entry: TopicEntry, id: number, topic: string): void {
    if (!entry.handlers.delete(id) || entry.handlers.size > 0 || this.topics.get(topic) !== entry) return;
    this.topics.delete(topic);
    this.bus.unsubscribe(topic).catch((err: unknown) => this.logger?.error({ err, topic }, 'pubsub: bus unsubscribe failed'));
  }

  /** Every subscriber of `topic` on every node. `meta.seq` travels beside the frame. */
  broadcast(topic: string, event: string, payload: Record<string, unknown>, meta?: { seq?: number }): void {
    this.send(topic, event, payload, meta, undefined, true);
  }

  /** Every subscriber on every node except `from` (e.g. `typing`, not echoed to its author). */
  broadcastFrom(from: Subscription, topic: string, event: string, payload: Record<string, unknown>, meta?: { seq?: number }): void {
    this.send(topic, event, payload, meta, from.id, true);
  }

  /** This node's subscribers only. */
  localBroadcast(topic: string, event: string, payload: Record<string, unknown>, meta?: { seq?: number }): void {
    this.send(topic, event, payload, meta, undefined, false);
  }

  /** Tells every node's revocation listeners (the socket layer) at once, this node synchronously. */
  revokeGroupAccess(userId: string, groupId: string): void {
    this.notify(this.revocationListeners, userId, groupId);
    const control: RevokeControl = { type: 'revoke', user_id: userId, group_id: groupId };
    this.publish(CONTROL_TOPIC, { frame: JSON.stringify(control) });
  }

  /** Tells every node's recheck listeners (the socket layer) at once, this node synchronously. */
  recheckGroupAccess(userId: string, groupId: string): void {
    this.notify(this.recheckListeners, userId, groupId);
    const control: RecheckControl = { type: 'recheck', user_id: userId, group_id: groupId };
    this.publish(CONTROL_TOPIC, { frame: JSON.stringify(control) });
  }

  /** Registers a listener for access rechecks from any node; returns its removal. */
  onRecheck(listener: RevocationListener): () => void {
    this.recheckListeners.add(listener);
    return () => this.recheckListeners.delete(listener);
  }

  /** Tells every node's listeners (the socket layer) that these sessions ended; this node synchronously. */
  closeSessions(userId: string, sessionIds: readonly string[]): void {
    if (sessionIds.length === 0) return;
    this.notifySessionsClosed(userId, sessionIds);
    const control: CloseSessionsControl = { type: 'close_sessions', user_id: userId, session_ids: [...sessionIds] };
    this.publish(CONTROL_TOPIC, { frame: JSON.stringify(control) });
  }

  /** Registers a listener for ended sessions from any node; returns its removal. */
  onSessionsClosed(listener: SessionsClosedListener): () => void {
    this.sessionsClosedListeners.add(listener);
    return () => this.sessionsClosedListeners.delete(listener);
  }

  /** Registers a listener for revocations from any node; returns its removal. */
  onRevoke(listener: RevocationListener): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  /**
   * Registers a listener for the bus's resyncs (see Bus.onResync: after an outage in which
   * broadcasts may have been lost); returns its removal. A bus that cannot lose messages never calls it.
   */
  onResync(listener: () => void): () => void {
    return this.bus.onResync?.(listener) ?? (() => {});
  }

  /** Reports every local fan-out (duration and recipients) to `metrics` from now on. */
  observe(metrics: ServerMetrics): void {
    this.metrics = metrics;
  }

  /** Local subscribers of a topic (for stats and tests). */
  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.handlers.size ?? 0;
  }

  private send(topic: string, event: string, payload: Record<string, unknown>, meta: { seq?: number } | undefined, exclude: number | undefined, remote: boolean): void {
    const entry = this.topics.get(topic);
    if (!remote && !entry) return; // nobody here to encode it for
    const message: BusMessage = meta?.seq === undefined
      ? { frame: v2JsonSerializer.broadcast(topic, event, payload) }
      : { frame: v2JsonSerializer.broadcast(topic, event, payload), seq: meta.seq };
    if (entry) this.deliver(entry.handlers, message, exclude);
    if (remote) this.publish(topic, message);
  }

  private deliver(handlers: Map<number, DeliveryHandler>, message: BusMessage, exclude: number | undefined): void {
    const metrics = this.metrics;
    if (metrics === undefined) return this.deliverAll(handlers, message, exclude);
    const started = performance.now();
    this.deliverAll(handlers, message, exclude);
    metrics.fanOut((performance.now() - started) / 1000, handlers.size);
  }

  private deliverAll(handlers: Map<number, DeliveryHandler>, message: BusMessage, exclude: number | undefined): void {
    if (exclude === undefined) {
      for (const handler of handlers.values()) this.deliverOne(handler, message);
      return;
    }
    for (const [id, handler] of handlers) if (id !== exclude) this.deliverOne(handler, message);
  }

  private deliverOne(handler: DeliveryHandler, message: BusMessage): void {
    try {
      handler(message);
    } catch (err) {
      this.logger?.error({ err }, 'pubsub: a subscriber threw; the others still get the message');
    }
  }

  private publish(topic: string, message: BusMessage): void {
    this.bus.publish(topic, message).catch((err: unknown) => this.logger?.error({ err, topic }, 'pubsub: bus publish failed'));
  }

  private onControl(message: BusMessage): void {
    let control: Partial<RevokeControl> | Partial<RecheckControl> | Partial<CloseSessionsControl>;
    try {
      control = JSON.parse(message.frame.toString()) as Partial<RevokeControl> | Partial<RecheckControl> | Partial<CloseSessionsControl>;
    } catch (err) {
      this.logger?.error({ err }, 'pubsub: unreadable control message');
      return;
    }
    if ((control.type === 'revoke' || control.type === 'recheck') && typeof control.user_id === 'string' && typeof control.group_id === 'string') {
      this.notify(control.type === 'revoke' ? this.revocationListeners : this.recheckListeners, control.user_id, control.group_id);
    } else if (control.type === 'close_sessions' && typeof control.user_id === 'string' && Array.isArray(control.session_ids)
      && control.session_ids.every((id) => typeof id === 'string')) {
      this.notifySessionsClosed(control.user_id, control.session_ids);
    }
  }

  private notifySessionsClosed(userId: string, sessionIds: readonly string[]): void {
    for (const listener of this.sessionsClosedListeners) {
      try {
        listener(userId, sessionIds);
      } catch (err) {
        this.logger?.error({ err, userId }, 'pubsub: a sessions-closed listener threw');
      }
    }
  }

  private notify(listeners: Set<RevocationListener>, userId: string, groupId: string): void {
    for (const listener of listeners) {
      try {
        listener(userId, groupId);
      } catch (err) {
        this.logger?.error({ err, userId, groupId }, 'pubsub: a group access listener threw');
      }
    }
  }
}
