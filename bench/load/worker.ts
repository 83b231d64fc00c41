/**
 * A load worker process: holds a share of the simulated clients, opens and joins them, runs
 * publish jobs, and counts every delivery (latency, gaps, duplicates). Driven by fleet.ts over
 * IPC; forked, so the clients' CPU spreads over the cores instead of sharing one event loop.
 */
import { nowUs } from '../core/clock.ts';
import { Histogram } from '../core/histogram.ts';
import { BENCH_LIMITS } from '../core/limits.ts';
import { loopbackUrl, sourceEndpoint } from '../core/loopback.ts';
import { runPool } from '../core/pool.ts';
import { serveRpc } from '../core/rpc.ts';
import { SeqTracker } from '../core/seq-tracker.ts';
import { engineioWire } from './engineio-wire.ts';
import { LoadClient, type ClientSink } from './load-client.ts';
import { phoenixWire } from './phoenix-wire.ts';
import { publish } from './publisher.ts';
import type { WireName, WireProtocol } from './wire-protocol.ts';
import type { DeliveryStats, OpenResult, Recovery, VerifyResult, WorkerApi } from './worker-api.ts';

const WIRES: Record<WireName, WireProtocol> = { phoenix: phoenixWire, engineio: engineioWire };

class WorkerSink implements ClientSink {
  deliveries = 0;
  lastDeliveryUs = 0;
  latency = new Histogram();
  others: Record<string, number> = {};
  droppedCodes: Record<string, number> = {};

  delivery(sentUs: number, receivedUs: number): void {
    this.deliveries++;
    this.lastDeliveryUs = receivedUs;
    this.latency.record(receivedUs - sentUs);
  }

  other(event: string): void {
    this.others[event] = (this.others[event] ?? 0) + 1;
  }

  dropped(code: number): void {
    this.droppedCodes[code] = (this.droppedCodes[code] ?? 0) + 1;
  }
}

const sink = new WorkerSink();
const clients = new Map<number, LoadClient>();
let base = '';
let wire: WireProtocol = phoenixWire;
/** last_seq per client and topic, saved when disconnected, for the recovery join */
const saved = new Map<LoadClient, Map<string, number>>();
/** reconnect rounds so far: each connects from fresh source addresses */
let reconnects = 0;

function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'ADDR').slice(0, 100);
}

/** Opens (or reopens) clients and joins their topics; `lastSeqs` turns the joins into recoveries. */
async function openAll(
  list: { client: LoadClient; topics: string[] }[],
  concurrency: number,
  onJoined: (client: LoadClient, topic: string, response: Record<string, unknown>) => void,
  lastSeqs?: (client: LoadClient, topic: string) => number | undefined,
  generation = 0,
): Promise<OpenResult> {
  const result: OpenResult = { joined: 0, failed: 0, errors: {}, startUs: nowUs(), endUs: 0, joinLatency: { buckets: [], count: 0, sumUs: 0, minUs: 0, maxUs: 0 }, topics: {} };
  const joinLatency = new Histogram();
  await runPool(list, concurrency, async ({ client, topics }) => {
    const t0 = nowUs();
    try {
      await client.connect(base, sourceEndpoint(client.index, generation));
      await Promise.all(
        topics.map(async (topic) => {
          const reply = await client.join(topic, lastSeqs?.(client, topic));
          if (!reply.ok) throw new Error(`join refused: ${String(reply.response.reason ?? 'error')}`);
          onJoined(client, topic, reply.response);
          const t = (result.topics[topic] ??= { members: 0, lastSeq: 0 });
          t.members++;
          if (typeof reply.response.last_seq === 'number') t.lastSeq = Math.max(t.lastSeq, reply.response.last_seq);
        }),
      );
      result.joined++;
      const t1 = nowUs();
      joinLatency.record(t1 - t0);
      result.endUs = Math.max(result.endUs, t1);
    } catch (e) {
      result.failed++;
      const r = reason(e);
      result.errors[r] = (result.errors[r] ?? 0) + 1;
      client.disconnect();
    }
  });
  result.joinLatency = joinLatency.toData();
  return result;
}

function heartbeats(): void {
  // each client heartbeats every 30 s, spread over the period: one timer for all clients
  const slots = BENCH_LIMITS.heartbeatMs / 1000;
  let tick = 0;
  setInterval(() => {
    const slot = tick++ % slots;
    for (const c of clients.values()) if (c.index % slots === slot) c.heartbeat();
  }, 1000).unref();
}

serveRpc<WorkerApi>({
  open: async (p) => {
    base = loopbackUrl(p.base);
    wire = WIRES[p.wire];
    const list = p.clients.map((spec) => {
      const client = new LoadClient(spec.index, spec.token, wire, sink);
      clients.set(spec.index, client);
      return { client, topics: spec.topics };
    });
    return openAll(list, p.concurrency, () => {});
  },

  publish: (p) =>
    publish(p.jobs, (index) => {
      const c = clients.get(index);
      if (!c) throw new Error(`client ${index} is not in this worker`);
      return c;
    }),

  stats: ({ reset }) => {
    let open = 0;
    for (const c of clients.values()) if (c.isOpen) open++;
    const s: DeliveryStats = {
      deliveries: sink.deliveries,
      lastDeliveryUs: sink.lastDeliveryUs,
      other: { ...sink.others },
      latency: sink.latency.toData(),
      dropped: { ...sink.droppedCodes },
      open,
      cpuUs: process.cpuUsage().user + process.cpuUsage().system,
    };
    if (reset) {
      sink.deliveries = 0;
      sink.latency = new Histogram();
      sink.others = {};
    }
    return s;
  },

  verify: ({ expected }) => {
    const r: VerifyResult = { checked: 0, missing: 0, duplicates: 0, unexpected: 0, stale: 0 };
    for (const c of clients.values()) {
      for (const [topic, state] of c.topics) {
        const ranges = expected[topic];
        if (!ranges || !state.tracker) continue;
        const check = state.tracker.check(ranges);
        r.checked++;
        r.missing += check.missing;
        r.unexpected += check.unexpected;
        r.duplicates += state.tracker.duplicates;
        r.stale += state.tracker.stale;
      }
    }
    return r;
  },

  disconnect: ({ keep }) => {
    const kept = new Set(keep);
    let closed = 0;
    for (const c of clients.values()) {
      if (kept.has(c.index)) continue;
      const seqs = new Map<string, number>();
      for (const [topic, state] of c.topics) seqs.set(topic, state.tracker?.contiguous() ?? 0);
      saved.set(c, seqs);
      c.disconnect();
      closed++;
    }
    return { closed };
  },

  reconnect: async ({ expect, concurrency }) => {
    const recovery: Recovery = { exact: 0, missing: 0, duplicates: 0, notRecovered: 0, messages: 0 };
    const list = [...saved.keys()].map((client) => ({ client, topics: [...client.topics.keys()] }));
    const result = await openAll(
      list,
      concurrency,
      (client, topic, response) => {
        const from = saved.get(client)?.get(topic) ?? 0;
        const to = expect[topic] ?? from;
        const messages = Array.isArray(response.messages) ? (response.messages as { seq?: unknown }[]) : [];
        if (response.recovered === false) recovery.notRecovered++;
        // exact means: every seq from `from`+1 to `to`, once each, ascending
        const got = messages.map((m) => (typeof m.seq === 'number' ? m.seq : -1));
        const fresh = new SeqTracker(from);
        for (const s of got) fresh.add(s);
        const check = fresh.check([[from + 1, to]]);
        const ascending = got.every((s, i) => i === 0 || s > (got[i - 1] as number));
        if (check.missing === 0 && fresh.duplicates === 0 && check.unexpected === 0 && ascending) recovery.exact++;
        recovery.missing += check.missing;
        recovery.duplicates += fresh.duplicates;
        recovery.messages += got.length;
        const tracker = client.topics.get(topic)?.tracker;
        for (const s of got) tracker?.add(s);
      },
      (client, topic) => saved.get(client)?.get(topic) ?? 0,
      ++reconnects,
    );
    saved.clear();
    return { ...result, recovery };
  },

  shutdown: () => {
    let closed = 0;
    for (const c of clients.values()) {
      c.disconnect();
      closed++;
    }
    clients.clear();
    setTimeout(() => process.exit(0), 50).unref();
    return { closed };
  },
});

heartbeats();
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
process.on('SIGTERM', () => process.exit(0));
