import type { Bus, BusHandler, BusMessage } from '../pubsub/bus.ts';
import type { ServerMetrics } from '../shared/server-metrics.ts';

/**
 * The cluster bus with its publish time and its outages counted (a publish's duration, each
 * resync after a lost connection, and — on a bus that stamps its messages — the delay from
 * publishing on another node to receipt here). Operations are built after the bus, so the
 * metrics are handed in later with `observe`; until then it only passes calls through.
 */
export class ObservedBus implements Bus {
  private metrics: ServerMetrics | undefined;
  private readonly inner: Bus;
  readonly onResync?: (listener: () => void) => () => void;

  constructor(inner: Bus) {
    this.inner = inner;
    inner.observeReceiveLag?.((seconds) => this.metrics?.busReceive(seconds));
    if (inner.onResync) {
      // One listener of our own: each outage counted once, however many others listen.
      inner.onResync(() => this.metrics?.busReconnect());
      this.onResync = inner.onResync.bind(inner);
    }
  }

  observe(metrics: ServerMetrics): void {
    this.metrics = metrics;
  }

  async publish(topic: string, message: BusMessage): Promise<void> {
    const metrics = this.metrics;
    if (metrics === undefined) return this.inner.publish(topic, message);
    const started = performance.now();
    await this.inner.publish(topic, message);
    metrics.busPublish((performance.now() - started) / 1000);
  }

  subscribe(topic: string, handler: BusHandler): Promise<void> {
    return this.inner.subscribe(topic, handler);
  }

  unsubscribe(topic: string): Promise<void> {
    return this.inner.unsubscribe(topic);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
