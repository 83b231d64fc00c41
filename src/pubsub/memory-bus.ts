import type { Bus, BusHandler, BusMessage } from './bus.ts';

/**
 * Several nodes in one process (tests, the cluster test without Redis): each `connect()` is
 * one node's Bus. Delivery is asynchronous (a microtask per publish, in publish order), as a
 * real bus is, so code that only works with synchronous delivery fails here too.
 * `partition(bus)` cuts a node off (what it publishes and what is published to it is lost, as
 * in a Redis outage) and `heal(bus)` ends that with a resync on every node, as RedisBus does.
 */
export class MemoryBusHub {
  private readonly nodes = new Set<MemoryBus>();
  private readonly cutOff = new Set<MemoryBus>();

  connect(): MemoryBus {
    const bus = new MemoryBus(this);
    this.nodes.add(bus);
    return bus;
  }

  /** @internal Called by a node's bus. */
  deliver(from: MemoryBus, topic: string, message: BusMessage): void {
    if (this.cutOff.has(from)) return;
    for (const node of this.nodes) {
      if (node !== from && !this.cutOff.has(node)) node.receive(topic, message);
    }
  }

  /** From now on `bus` neither sends nor receives anything, until `heal(bus)`. */
  partition(bus: MemoryBus): void {
    this.cutOff.add(bus);
  }

  /** `bus` is connected again; every node resyncs (on a microtask, as after a reconnect). */
  heal(bus: MemoryBus): void {
    this.cutOff.delete(bus);
    for (const node of this.nodes) queueMicrotask(() => node.resync());
  }

  /** @internal */
  disconnect(bus: MemoryBus): void {
    this.nodes.delete(bus);
  }
}

export class MemoryBus implements Bus {
  private readonly hub: MemoryBusHub;
  private readonly handlers = new Map<string, BusHandler>();
  private readonly resyncListeners = new Set<() => void>();
  private closed = false;

  constructor(hub: MemoryBusHub) {
    this.hub = hub;
  }

  async publish(topic: string, message: BusMessage): Promise<void> {
    this.assertOpen('publish');
    this.hub.deliver(this, topic, message);
  }

  async subscribe(topic: string, handler: BusHandler): Promise<void> {
    this.assertOpen('subscribe');
    if (this.handlers.has(topic)) throw new Error(`bus: already subscribed to "${topic}"; unsubscribe first`);
    this.handlers.set(topic, handler);
  }

  async unsubscribe(topic: string): Promise<void> {
    this.handlers.delete(topic);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    this.resyncListeners.clear();
    this.hub.disconnect(this);
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** @internal From the hub, after a partition heals. */
  resync(): void {
    if (this.closed) return;
    for (const listener of this.resyncListeners) listener();
  }

  /** @internal From the hub: hand over on a microtask, so every publish is delivered in order. */
  receive(topic: string, message: BusMessage): void {
    if (!this.handlers.has(topic)) return;
    queueMicrotask(() => {
      const handler = this.handlers.get(topic);
      if (!this.closed && handler) handler(message);
    });
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new Error(`bus: cannot ${what} after close()`);
  }
}
