import type { ChildProcess } from 'node:child_process';
import { forkTs, stopChild } from '../core/child.ts';
import { addCounts, sumCounts } from '../core/counts.ts';
import { Histogram } from '../core/histogram.ts';
import { BENCH_LIMITS } from '../core/limits.ts';
import { ADDRESS_SPACES, loopbackUrl } from '../core/loopback.ts';
import { RpcClient } from '../core/rpc.ts';
import { mergeRanges, type SeqRange } from '../core/seq-ranges.ts';
import { worstStalls } from '../core/stall-watch.ts';
import type { ClientKind } from './client-socket.ts';
import type { WireName } from './wire-protocol.ts';
import type {
  ClientSpec,
  DeliveryStats,
  OpenResult,
  PublishJob,
  PublishResult,
  ReconnectResult,
  Recovery,
  VerifyResult,
  WorkerApi,
} from './worker-api.ts';

export interface FleetOptions {
  workers: number;
  wire: WireName;
  /** the WebSocket client the workers use */
  client: ClientKind;
  /** ws://127.0.0.1:<port> */
  base: string;
  /** write V8 CPU profiles of the workers here (null: none) */
  profileDir: string | null;
}

export interface DrainResult {
  /** deliveries seen when the drain ended */
  deliveries: number;
  complete: boolean;
  lastDeliveryUs: number;
}

function mergeOpen(parts: OpenResult[]): OpenResult {
  const hist = Histogram.from(parts.map((p) => p.joinLatency));
  const topics: OpenResult['topics'] = {};
  for (const p of parts) {
    for (const [t, v] of Object.entries(p.topics)) {
      const m = (topics[t] ??= { members: 0, lastSeq: 0 });
      m.members += v.members;
      m.lastSeq = Math.max(m.lastSeq, v.lastSeq);
    }
  }
  return {
    joined: parts.reduce((n, p) => n + p.joined, 0),
    failed: parts.reduce((n, p) => n + p.failed, 0),
    errors: parts.reduce((e, p) => addCounts(e, p.errors), {}),
    startUs: Math.min(...parts.map((p) => p.startUs)),
    endUs: Math.max(...parts.map((p) => p.endUs)),
    joinLatency: hist.toData(),
    topics,
  };
}

/**
 * How many load workers a run of `connections` gets: `requested` (the `--workers` option) when
 * it is enough, else the fewest that hold them (BENCH_LIMITS.maxConnectionsPerWorker each) —
 * but never fewer than two with the `ws` client. On two cores every worker process is one more
 * to share them with the server, and one lean worker left the server measurably more of the
 * machine; the `ws` client costs the generator about half as much again per frame, and one
 * `ws` worker saturated its core in `chat` at 500/s (bench/README.md, sixth session).
 */
export function workersFor(connections: number, requested: number, client: ClientKind): number {
  const least = client === 'ws' ? 2 : 1;
  return Math.max(least, requested, Math.ceil(connections / BENCH_LIMITS.maxConnectionsPerWorker));
}

/**
 * The load generator as seen by a scenario: N worker processes sharing the clients (client i
 * lives in worker i mod N), each command fanned out to the workers and the answers merged.
 */
export class Fleet {
  private constructor(
    private readonly procs: ChildProcess[],
    private readonly rpcs: RpcClient<WorkerApi>[],
    private readonly options: FleetOptions,
  ) {}

  /** This fleet's source addresses: drawn at random so fleets driving one server never share
   *  a 4-tuple; reconnect rounds step through the following spaces. */
  private readonly space = Math.floor(Math.random() * ADDRESS_SPACES);

  static async start(options: FleetOptions): Promise<Fleet> {
    loopbackUrl(options.base);
    const procs = await Promise.all(
      Array.from({ length: options.workers }, () =>
        forkTs(
          new URL('./worker.ts', import.meta.url),
          { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [] },
          BENCH_LIMITS.serverStartMs,
        ),
      ),
    );
    return new Fleet(procs, procs.map((p, i) => new RpcClient<WorkerApi>(p, `load worker ${i}`)), options);
  }

  get size(): number {
    return this.rpcs.length;
  }

  private split<T extends { index: number } | { client: number }>(items: readonly T[]): T[][] {
    const out: T[][] = this.rpcs.map(() => []);
    for (const item of items) {
      const i = 'index' in item ? item.index : item.client;
      (out[i % this.rpcs.length] as T[]).push(item);
    }
    return out;
  }

  /** Opens and joins every client; `concurrency` connections in flight per worker. */
  async open(clients: readonly ClientSpec[], concurrency: number): Promise<OpenResult> {
    const perWorker = this.split(clients);
    const most = Math.max(...perWorker.map((c) => c.length));
    if (most > BENCH_LIMITS.maxConnectionsPerWorker) {
      throw new Error(`${most} connections in one worker exceeds ${BENCH_LIMITS.maxConnectionsPerWorker}: use more --workers`);
    }
    // each client is bounded by connectMs + replyMs, a worker runs `concurrency` at a time; a
    // server slower than minJoinsPerSecond per worker fails the run rather than stall it
    const perClient = BENCH_LIMITS.connectMs + BENCH_LIMITS.replyMs;
    const byBatches = (Math.ceil(most / Math.max(1, concurrency)) + 1) * perClient;
    const timeout = Math.min(byBatches, Math.max(perClient, (most / BENCH_LIMITS.minJoinsPerSecond) * 1000));
    const parts = await Promise.all(
      this.rpcs.map((rpc, i) =>
        rpc
          .call('open', { base: this.options.base, wire: this.options.wire, client: this.options.client, clients: perWorker[i] as ClientSpec[], concurrency, space: this.space }, timeout)
          .catch((e: unknown) => {
            const why = `fewer than ${BENCH_LIMITS.minJoinsPerSecond} joins/s per worker: an overloaded server, or presence traffic in a big room`;
            throw new Error(`${e instanceof Error ? e.message : String(e)} (${why})`);
          }),
      ),
    );
    return mergeOpen(parts);
  }

  /** Runs publish jobs on the workers owning the publishing clients; resolves when all acks are in. */
  async publish(jobs: readonly PublishJob[]): Promise<PublishResult> {
    // a closed loop runs as fast as the server goes (a 10,000-member fan-out of 200 messages
    // takes minutes on a loaded machine): it gets the drain bound on top
    const expectedMs = (j: PublishJob) =>
      j.durationMs > 0 ? j.durationMs : j.ratePerSec > 0 ? (j.count / j.ratePerSec) * 1000 : BENCH_LIMITS.drainMs;
    const timeout = Math.max(...jobs.map(expectedMs)) + BENCH_LIMITS.replyMs + BENCH_LIMITS.rpcMs;
    const parts = await Promise.all(
      this.split(jobs).map((list, i) => (list.length ? (this.rpcs[i] as RpcClient<WorkerApi>).call('publish', { jobs: list }, timeout) : null)),
    );
    const done = parts.filter((p): p is PublishResult => p !== null);
    const seqs: Record<string, SeqRange[]> = {};
    for (const p of done) for (const [t, r] of Object.entries(p.seqs)) seqs[t] = mergeRanges(seqs[t] ?? [], r);
    const firsts = done.map((p) => p.firstSendUs).filter((t) => t > 0);
    return {
      sent: done.reduce((n, p) => n + p.sent, 0),
      acked: done.reduce((n, p) => n + p.acked, 0),
      timeouts: done.reduce((n, p) => n + p.timeouts, 0),
      errors: done.reduce((e, p) => addCounts(e, p.errors), {}),
      firstSendUs: firsts.length ? Math.min(...firsts) : 0,
      lastAckUs: Math.max(0, ...done.map((p) => p.lastAckUs)),
      ackLatency: Histogram.from(done.map((p) => p.ackLatency)).toData(),
      seqs,
    };
  }

  /** Delivery counters of all workers merged; `reset` starts a new measurement phase. */
  async stats(reset = false): Promise<DeliveryStats> {
    const parts = await Promise.all(this.rpcs.map((rpc) => rpc.call('stats', { reset }, BENCH_LIMITS.rpcMs)));
    return {
      deliveries: parts.reduce((n, p) => n + p.deliveries, 0),
      lastDeliveryUs: Math.max(0, ...parts.map((p) => p.lastDeliveryUs)),
      other: parts.reduce((o, p) => addCounts(o, p.other), {}),
      otherBytes: parts.reduce((n, p) => n + p.otherBytes, 0),
      latency: Histogram.from(parts.map((p) => p.latency)).toData(),
      dropped: parts.reduce((o, p) => addCounts(o, p.dropped), {}),
      open: parts.reduce((n, p) => n + p.open, 0),
      cpuUs: parts.reduce((n, p) => n + p.cpuUs, 0),
      stalls: worstStalls(parts.map((p) => p.stalls)),
    };
  }

  /**
   * Waits until `expected` deliveries arrived since the last reset, or none arrived for
   * `drainIdleMs`, or `drainMs` passed: a lost message shows up as an incomplete drain, never
   * as a hang.
   */
  async drain(expected: number): Promise<DrainResult> {
    const start = Date.now();
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const s = await this.stats();
      if (s.deliveries >= expected) return { deliveries: s.deliveries, complete: true, lastDeliveryUs: s.lastDeliveryUs };
      if (s.deliveries !== last) {
        last = s.deliveries;
        lastChange = Date.now();
      }
      const now = Date.now();
      if (now - lastChange > BENCH_LIMITS.drainIdleMs || now - start > BENCH_LIMITS.drainMs) {
        return { deliveries: s.deliveries, complete: false, lastDeliveryUs: s.lastDeliveryUs };
      }
      await new Promise((r) => setTimeout(r, BENCH_LIMITS.pollMs));
    }
  }

  /** Waits until no frame but heartbeat replies arrived for `settleQuietMs` (presence storms
   *  end), bounded. */
  async settle(): Promise<{ quiet: boolean; ms: number }> {
    const start = Date.now();
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const s = await this.stats();
      const total = s.deliveries + sumCounts(s.other) - (s.other.heartbeat ?? 0);
      if (total !== last) {
        last = total;
        lastChange = Date.now();
      }
      const now = Date.now();
      if (now - lastChange >= BENCH_LIMITS.settleQuietMs) return { quiet: true, ms: now - start };
      if (now - start > BENCH_LIMITS.settleMs) return { quiet: false, ms: now - start };
      await new Promise((r) => setTimeout(r, BENCH_LIMITS.pollMs));
    }
  }

  /** Checks every client's received seqs against what the publishers had acknowledged. */
  async verify(expected: Record<string, SeqRange[]>): Promise<VerifyResult> {
    const parts = await Promise.all(this.rpcs.map((rpc) => rpc.call('verify', { expected }, BENCH_LIMITS.rpcMs)));
    const sum = (k: keyof VerifyResult) => parts.reduce((n, p) => n + p[k], 0);
    return { checked: sum('checked'), missing: sum('missing'), duplicates: sum('duplicates'), unexpected: sum('unexpected'), stale: sum('stale') };
  }

  /** Drops every client's connection except `keep`, remembering what each had received. */
  async disconnect(keep: readonly number[]): Promise<number> {
    const parts = await Promise.all(this.rpcs.map((rpc) => rpc.call('disconnect', { keep: [...keep] }, BENCH_LIMITS.rpcMs)));
    return parts.reduce((n, p) => n + p.closed, 0);
  }

  /** Reconnects the dropped clients, each joining with its `last_seq`, and checks the recoveries. */
  async reconnect(expect: Record<string, number>, concurrency: number): Promise<ReconnectResult> {
    const timeout = BENCH_LIMITS.connectMs + BENCH_LIMITS.replyMs + BENCH_LIMITS.rpcMs;
    const parts = await Promise.all(this.rpcs.map((rpc) => rpc.call('reconnect', { expect, concurrency }, timeout)));
    const recovery: Recovery = { exact: 0, missing: 0, duplicates: 0, notRecovered: 0, messages: 0 };
    for (const p of parts) for (const k of Object.keys(recovery) as (keyof Recovery)[]) recovery[k] += p.recovery[k];
    return { ...mergeOpen(parts), recovery };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.rpcs.map((rpc, i) =>
        rpc.call('shutdown', {}, BENCH_LIMITS.rpcMs).then(
          () => stopChild(this.procs[i] as ChildProcess, BENCH_LIMITS.serverStopMs),
          () => stopChild(this.procs[i] as ChildProcess, 0),
        ),
      ),
    );
  }
}
