import type { HistogramData } from '../core/histogram.ts';
import type { SeqRange } from '../core/seq-ranges.ts';
import type { Stalls } from '../core/stall-watch.ts';
import type { ClientKind } from './client-socket.ts';
import type { WireName } from './wire-protocol.ts';

/**
 * The commands a load worker answers (see rpc.ts), declared once for both ends. A worker holds
 * a share of the clients; the parent (fleet.ts) splits each command and merges the results.
 */
export interface ClientSpec {
  /** global client index: also picks the source address */
  index: number;
  token: string;
  topics: string[];
}

export interface OpenParams {
  /** ws://127.0.0.1:<port> — loopback only */
  base: string;
  wire: WireName;
  /** which WebSocket client implementation */
  client: ClientKind;
  clients: ClientSpec[];
  /** connections being opened at once by this worker */
  concurrency: number;
  /** the fleet's source address space (see sourceEndpoint) */
  space: number;
}

export interface OpenResult {
  joined: number;
  failed: number;
  /** failure reasons with counts */
  errors: Record<string, number>;
  /** µs (shared monotonic clock): first connect started, last join answered */
  startUs: number;
  endUs: number;
  /** per client: connect start to its last join reply */
  joinLatency: HistogramData;
  /** members joined and the seq the joins reported, per topic */
  topics: Record<string, { members: number; lastSeq: number }>;
}

export interface Recovery {
  /** client-topics whose join reply held exactly the missed messages, in order */
  exact: number;
  missing: number;
  duplicates: number;
  /** replies with recovered: false (more missed than the server's bound) */
  notRecovered: number;
  messages: number;
}

export interface ReconnectParams {
  /** topic → the seq recovery must reach (the last acknowledged one) */
  expect: Record<string, number>;
  concurrency: number;
}

export interface ReconnectResult extends OpenResult {
  recovery: Recovery;
}

export interface PublishJob {
  /** global index of the publishing client; it must have joined `topic` */
  client: number;
  topic: string;
  /** stop after this many pushes (0: no count limit) */
  count: number;
  /** stop after this long (0: no time limit) */
  durationMs: number;
  /** > 0: paced at this rate; 0: closed loop keeping `window` pushes unanswered */
  ratePerSec: number;
  window: number;
  bodyBytes: number;
}

export interface PublishResult {
  sent: number;
  acked: number;
  timeouts: number;
  errors: Record<string, number>;
  firstSendUs: number;
  lastAckUs: number;
  /** push to ack */
  ackLatency: HistogramData;
  /** acknowledged seqs per topic */
  seqs: Record<string, SeqRange[]>;
}

export interface DeliveryStats {
  deliveries: number;
  lastDeliveryUs: number;
  /** other frames by event (presence_state, presence_diff, heartbeat replies…) */
  other: Record<string, number>;
  otherBytes: number;
  /** publish-to-receive of every delivery since the last reset */
  latency: HistogramData;
  /** sockets the server closed after they were open, by close code */
  dropped: Record<string, number>;
  open: number;
  /** CPU time this worker process used so far (user + system, µs): the generator's own cost */
  cpuUs: number;
  /** this worker's loop delay and GC pauses since the last reset (merged: the worst worker's) */
  stalls: Stalls;
}

export interface VerifyResult {
  /** client-topics checked */
  checked: number;
  missing: number;
  duplicates: number;
  unexpected: number;
  stale: number;
}

export type WorkerApi = {
  open: { params: OpenParams; result: OpenResult };
  publish: { params: { jobs: PublishJob[] }; result: PublishResult };
  stats: { params: { reset: boolean }; result: DeliveryStats };
  verify: { params: { expected: Record<string, SeqRange[]> }; result: VerifyResult };
  disconnect: { params: { keep: number[] }; result: { closed: number } };
  reconnect: { params: ReconnectParams; result: ReconnectResult };
  shutdown: { params: Record<string, never>; result: { closed: number } };
};
