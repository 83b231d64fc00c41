import { Histogram } from '../core/histogram.ts';
import { StallWatch } from '../core/stall-watch.ts';
import type { ClientSink } from './load-client.ts';
import type { DeliveryStats } from './worker-api.ts';

/**
 * What all clients of one worker received, counted as it arrives: deliveries and their
 * latencies, other frames by event and bytes, connections the server dropped. `snapshot(true)`
 * starts a new measurement phase (drops stay counted: a drop is a drop).
 */
export class DeliverySink implements ClientSink {
  private deliveries = 0;
  private lastDeliveryUs = 0;
  private latency = new Histogram();
  private others: Record<string, number> = {};
  private otherBytes = 0;
  private readonly droppedCodes: Record<string, number> = {};
  private readonly stalls = new StallWatch();

  delivery(sentUs: number, receivedUs: number): void {
    this.deliveries++;
    this.lastDeliveryUs = receivedUs;
    this.latency.record(receivedUs - sentUs);
  }

  other(event: string, bytes: number): void {
    this.others[event] = (this.others[event] ?? 0) + 1;
    this.otherBytes += bytes;
  }

  dropped(code: number): void {
    this.droppedCodes[code] = (this.droppedCodes[code] ?? 0) + 1;
  }

  snapshot(open: number, reset: boolean): DeliveryStats {
    const cpu = process.cpuUsage();
    const s: DeliveryStats = {
      deliveries: this.deliveries,
      lastDeliveryUs: this.lastDeliveryUs,
      other: { ...this.others },
      otherBytes: this.otherBytes,
      latency: this.latency.toData(),
      dropped: { ...this.droppedCodes },
      open,
      cpuUs: cpu.user + cpu.system,
      stalls: this.stalls.read(reset),
    };
    if (reset) {
      this.deliveries = 0;
      this.latency = new Histogram();
      this.others = {};
      this.otherBytes = 0;
    }
    return s;
  }
}
