import { nowUs } from '../core/clock.ts';
import { Histogram } from '../core/histogram.ts';
import { BENCH_LIMITS } from '../core/limits.ts';
import { loopbackUrl, sourceEndpoint } from '../core/loopback.ts';
import { runPool } from '../core/pool.ts';
import type { RpcHandlers } from '../core/rpc.ts';
import { SeqTracker } from '../core/seq-tracker.ts';
import type { ClientKind, ClientSocketFactory } from './client-socket.ts';
import { DeliverySink } from './delivery-sink.ts';
import { engineioWire } from './engineio-wire.ts';
import { leanClientSocket } from './lean-client-socket.ts';
import { LoadClient } from './load-client.ts';
import { phoenixWire } from './phoenix-wire.ts';
import { publish } from './publisher.ts';
import type { WireName, WireProtocol } from './wire-protocol.ts';
import type { OpenResult, Recovery, VerifyResult, WorkerApi } from './worker-api.ts';
import { wsClientSocket } from './ws-client-socket.ts';

const WIRES: Record<WireName, WireProtocol> = { phoenix: phoenixWire, engineio: engineioWire };
const SOCKETS: Record<ClientKind, ClientSocketFactory> = { ws: wsClientSocket, lean: leanClientSocket };

function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'ADDR').slice(0, 100);
}

/**
 * One worker's share of the simulated clients and the answers to the fleet's commands: open and
 * join, publish, count, verify, drop and reconnect with recovery.
 */
export class LoadWorker {
  private readonly sink = new DeliverySink();
  private readonly clients = new Map<number, LoadClient>();
  private base = '';
  /** source address space of the current connections; each reconnect round takes the next */
  private space = 0;
  /** last_seq per topic of each dropped client, for its recovery join */
  private readonly saved = new Map<LoadClient, Map<string, number>>();

  /** Heartbeats every client every 30 s, spread over the period: one timer for all. */
  startHeartbeats(): void {
    const slots = BENCH_LIMITS.heartbeatMs / 1000;
    let tick = 0;
    setInterval(() => {
      const slot = tick++ % slots;
      for (const c of this.clients.values()) if (c.index % slots === slot) c.heartbeat();
    }, 1000).unref();
  }

  /** Opens (or reopens) clients and joins their topics; `lastSeqs` makes the joins recoveries. */
  private async openAll(
    list: { client: LoadClient; topics: string[] }[],
    concurrency: number,
    onJoined: (client: LoadClient, topic: string, response: Record<string, unknown>) => void,
    lastSeqs?: (client: LoadClient, topic: string) => number | undefined,
  ): Promise<OpenResult> {
    const result: OpenResult = { joined: 0, failed: 0, errors: {}, startUs: nowUs(), endUs: 0, joinLatency: new Histogram().toData(), topics: {} };
    const joinLatency = new Histogram();
    await runPool(list, concurrency, async ({ client, topics }) => {
      const t0 = nowUs();
      try {
        await client.connect(this.base, sourceEndpoint(client.index, this.space));
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

  private client(index: number): LoadClient {
    const c = this.clients.get(index);
    if (!c) throw new Error(`client ${index} is not in this worker`);
    return c;
  }

  readonly handlers: RpcHandlers<WorkerApi> = {
    open: (p) => {
      this.base = loopbackUrl(p.base);
      this.space = p.space;
      const wire = WIRES[p.wire];
      const list = p.clients.map((spec) => {
        const client = new LoadClient(spec.index, spec.token, wire, this.sink, SOCKETS[p.client]);
        this.clients.set(spec.index, client);
        return { client, topics: spec.topics };
      });
      return this.openAll(list, p.concurrency, () => {});
    },

    publish: (p) => publish(p.jobs, (index) => this.client(index)),

    stats: ({ reset }) => {
      let open = 0;
      for (const c of this.clients.values()) if (c.isOpen) open++;
      return this.sink.snapshot(open, reset);
    },

    verify: ({ expected }) => {
      const r: VerifyResult = { checked: 0, missing: 0, duplicates: 0, unexpected: 0, stale: 0 };
      for (const c of this.clients.values()) {
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
      for (const c of this.clients.values()) {
        if (kept.has(c.index)) continue;
        const seqs = new Map<string, number>();
        for (const [topic, state] of c.topics) seqs.set(topic, state.tracker?.contiguous() ?? 0);
        this.saved.set(c, seqs);
        c.disconnect();
        closed++;
      }
      return { closed };
    },

    reconnect: async ({ expect, concurrency }) => {
      const recovery: Recovery = { exact: 0, missing: 0, duplicates: 0, notRecovered: 0, messages: 0 };
      const list = [...this.saved.keys()].map((client) => ({ client, topics: [...client.topics.keys()] }));
      const lastSeq = (client: LoadClient, topic: string) => this.saved.get(client)?.get(topic) ?? 0;
      this.space++;
      const result = await this.openAll(
        list,
        concurrency,
        (client, topic, response) => {
          const from = lastSeq(client, topic);
          const to = expect[topic] ?? from;
          if (response.recovered === false) recovery.notRecovered++;
          // exact: every seq from `from`+1 to `to`, once each, ascending
          const messages = Array.isArray(response.messages) ? (response.messages as { seq?: unknown }[]) : [];
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
        lastSeq,
      );
      this.saved.clear();
      return { ...result, recovery };
    },

    shutdown: () => {
      const closed = this.clients.size;
      for (const c of this.clients.values()) c.disconnect();
      this.clients.clear();
      setTimeout(() => process.exit(0), 50).unref();
      return { closed };
    },
  };
}
