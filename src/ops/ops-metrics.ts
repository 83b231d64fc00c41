import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { NodeInfo } from '../cluster/node-directory.ts';
import { LIMITS } from '../config/limits.ts';
import type { Clock } from '../domain/clock.ts';
import type { OutboxStatus } from '../mail/outbox-repository.ts';
import type { Settlement } from '../mail/outbox-repository.ts';
import type { JobOutcome } from '../scheduler/job-repository.ts';
import type { ConnectionTable } from './connection-table.ts';
import type { ServerMetrics } from '../shared/server-metrics.ts';
import type { ThrottleMetrics } from '../accounts/throttles.ts';

/** What the metrics read at scrape time: public surfaces of the running node. */
export interface MetricsSources {
  nodeId: string;
  clock: Clock;
  realtime: { stats(): { connections: number; channels: number } };
  connections: ConnectionTable;
  /** The live cluster members, or undefined on a single node. */
  nodes(): NodeInfo[] | undefined;
  outbox: { countByStatus(): Promise<Record<OutboxStatus, number>> };
  store: { ping(): Promise<unknown> };
}

const PREFIX = 'renraku_';
/** Fan-out of one broadcast to this node's subscribers: tens of µs to a slow-client ms. */
const FANOUT_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];
const RECOVERY_BUCKETS = [0, 1, 5, 10, 50, 100, 500, 1000, 5000];

/**
 * This node's Prometheus metrics (`/metrics`), all prefixed `renraku_`: Node's own (event-loop
 * delay, heap, GC, handles) from prom-client's default collectors, gauges read at scrape time
 * from the running node, and counters fed where things happen (HTTP requests, job outcomes,
 * mail results, and the ServerMetrics calls of the hot path). One Registry per node, never
 * prom-client's global one, so several nodes in one process (tests) keep apart.
 */
export class OpsMetrics implements ServerMetrics, ThrottleMetrics {
  readonly registry = new Registry();
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route'>;
  private readonly jobRuns: Counter<'job' | 'outcome'>;
  private readonly jobDuration: Histogram<'job'>;
  private readonly mailResults: Counter<'result'>;
  private readonly joins: Counter<'outcome'>;
  private readonly leaves: Counter;
  private readonly fanOutSeconds: Histogram;
  private readonly fanOutRecipients: Counter;
  private readonly rateLimits: Counter<'kind'>;
  private readonly slowClients: Counter;
  private readonly recoveries: Histogram;
  private readonly busPublishSeconds: Histogram;
  private readonly busReceiveSeconds: Histogram;
  private readonly busReconnects: Counter;
  private readonly smtpSessions: Counter;
  private readonly smtpRejections: Counter<'reason'>;
  private readonly storeQueries: Histogram<'outcome'>;
  private readonly loginFailures: Counter;
  private readonly throttledAttempts: Counter<'policy'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });

    new Gauge({ name: `${PREFIX}node_info`, help: 'Always 1; labels name this node.', labelNames: ['node', 'version'], registers, collect() {
      this.set({ node: sources.nodeId, version: process.version }, 1);
    } });
    new Gauge({ name: `${PREFIX}connections`, help: 'Open client connections (WebSocket and LongPoll).', registers, collect() {
      this.set(sources.realtime.stats().connections);
    } });
    new Gauge({ name: `${PREFIX}channels`, help: 'Joined channels over all connections.', registers, collect() {
      this.set(sources.realtime.stats().channels);
    } });
    const totals = (help: string, name: string, read: () => number): void => {
      new Counter({ name: `${PREFIX}${name}`, help, registers, collect() {
        this.reset();
        this.inc(read());
      } });
    };
    totals('Connections accepted.', 'connections_opened_total', () => sources.connections.totals().opened);
    totals('Connections ended, however they ended.', 'connections_closed_total', () => sources.connections.totals().closed);
    totals('Frames received from clients.', 'messages_in_total', () => sources.connections.totals().framesIn);
    totals('Frames sent to clients.', 'messages_out_total', () => sources.connections.totals().framesOut);
    totals('Size of frames received (characters of text frames, bytes of binary ones).', 'message_in_size_total', () => sources.connections.totals().bytesIn);
    totals('Size of frames sent (characters of text frames, bytes of binary ones).', 'message_out_size_total', () => sources.connections.totals().bytesOut);

    let lastLoop: EventLoopUtilization = performance.eventLoopUtilization();
    new Gauge({ name: `${PREFIX}event_loop_utilization`, help: 'Share of time the event loop was busy since the previous scrape (0 to 1).', registers, collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, lastLoop).utilization);
      lastLoop = now;
    } });

    new Gauge({ name: `${PREFIX}cluster_nodes`, help: 'Live nodes in the cluster registry (1 on a single node).', registers, collect() {
      this.set(sources.nodes()?.length ?? 1);
    } });
    new Gauge({ name: `${PREFIX}cluster_node_connections`, help: 'Connections of each live node at its last heartbeat.', labelNames: ['node'], registers, collect() {
      this.reset();
      for (const node of sources.nodes() ?? []) this.set({ node: node.id }, node.connections);
    } });
    new Gauge({ name: `${PREFIX}cluster_node_heartbeat_age_seconds`, help: 'Seconds since each live node\'s last heartbeat, by this node\'s clock.', labelNames: ['node'], registers, collect() {
      this.reset();
      const now = sources.clock.now();
      for (const node of sources.nodes() ?? []) this.set({ node: node.id }, Math.max(0, now - node.heartbeat_at) / 1000);
    } });

    new Gauge({ name: `${PREFIX}outbox_rows`, help: 'Outbox rows by status (queued is the mail waiting to go out).', labelNames: ['status'], registers, async collect() {
      const counts = await sources.outbox.countByStatus();
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    } });
    // One ping per scrape serves both gauges; a store that does not answer within the bound is down.
    let probe: { at: number; result: Promise<{ up: number; seconds: number }> } | undefined;
    const pingStore = (): Promise<{ up: number; seconds: number }> => {
      const at = performance.now();
      if (probe && at - probe.at < 1000) return probe.result;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), LIMITS.opsStorePingTimeoutMs)));
      const result = Promise.race([sources.store.ping(), timeout]).then(() => 1, () => 0)
        .then((up) => ({ up, seconds: (performance.now() - at) / 1000 }))
        .finally(() => clearTimeout(timer));
      probe = { at, result };
      return result;
    };
    new Gauge({ name: `${PREFIX}store_up`, help: '1 when the store answered a ping at this scrape.', registers, async collect() {
      this.set((await pingStore()).up);
    } });
    new Gauge({ name: `${PREFIX}store_ping_seconds`, help: 'Round trip of one store ping at this scrape.', registers, async collect() {
      this.set((await pingStore()).seconds);
    } });

    this.httpRequests = new Counter({ name: `${PREFIX}http_requests_total`, help: 'HTTP requests answered, by route pattern and status.', labelNames: ['method', 'route', 'status'], registers });
    this.httpDuration = new Histogram({ name: `${PREFIX}http_request_duration_seconds`, help: 'Time to answer an HTTP request.', labelNames: ['method', 'route'], buckets: LATENCY_BUCKETS, registers });
    this.jobRuns = new Counter({ name: `${PREFIX}job_runs_total`, help: 'Scheduled job runs on this node, by outcome (done, retry, failed).', labelNames: ['job', 'outcome'], registers });
    this.jobDuration = new Histogram({ name: `${PREFIX}job_duration_seconds`, help: 'From claim to recorded outcome.', labelNames: ['job'], buckets: JOB_BUCKETS, registers });
    this.mailResults = new Counter({ name: `${PREFIX}mail_sends_total`, help: 'Outbox rows settled by this node\'s dispatcher: sent, queued (temporary failure), bounced, failed.', labelNames: ['result'], registers });
    this.joins = new Counter({ name: `${PREFIX}channel_joins_total`, help: 'Channel joins answered, by outcome.', labelNames: ['outcome'], registers });
    this.leaves = new Counter({ name: `${PREFIX}channel_leaves_total`, help: 'Channels left (by the client, a revocation or a closed connection).', registers });
    this.fanOutSeconds = new Histogram({ name: `${PREFIX}fanout_duration_seconds`, help: 'Time to hand one broadcast to this node\'s subscribers.', buckets: FANOUT_BUCKETS, registers });
    this.fanOutRecipients = new Counter({ name: `${PREFIX}fanout_recipients_total`, help: 'Subscribers broadcasts were handed to.', registers });
    this.rateLimits = new Counter({ name: `${PREFIX}rate_limited_total`, help: 'Frames refused by a per-socket rate limit.', labelNames: ['kind'], registers });
    this.slowClients = new Counter({ name: `${PREFIX}slow_client_disconnects_total`, help: 'Connections terminated for too many unsent bytes.', registers });
    this.recoveries = new Histogram({ name: `${PREFIX}recovery_messages`, help: 'Messages replayed to a client rejoining with last_seq.', buckets: RECOVERY_BUCKETS, registers });
    this.busPublishSeconds = new Histogram({ name: `${PREFIX}bus_publish_seconds`, help: 'Time to publish one message on the cluster bus.', buckets: LATENCY_BUCKETS, registers });
    this.busReceiveSeconds = new Histogram({ name: `${PREFIX}bus_receive_lag_seconds`, help: 'From publish on another node to receipt here.', buckets: LATENCY_BUCKETS, registers });
    this.busReconnects = new Counter({ name: `${PREFIX}bus_reconnects_total`, help: 'Reconnections of the cluster bus.', registers });
    this.smtpSessions = new Counter({ name: `${PREFIX}smtp_sessions_total`, help: 'Inbound SMTP sessions opened.', registers });
    this.storeQueries = new Histogram({ name: `${PREFIX}store_query_seconds`, help: 'Store queries run through Kysely (SQLite appends on their own thread excluded), by outcome.', labelNames: ['outcome'], buckets: LATENCY_BUCKETS, registers });
    this.loginFailures = new Counter({ name: `${PREFIX}login_failures_total`, help: 'Sign-ins refused for a wrong password or unknown email (not counting throttled ones).', registers });
    this.throttledAttempts = new Counter({ name: `${PREFIX}throttled_total`, help: 'Account attempts refused with too_many_attempts, by budget (login-account, login-address, signup-address, …).', labelNames: ['policy'], registers });
    this.smtpRejections = new Counter({ name: `${PREFIX}smtp_rejections_total`, help: 'Inbound SMTP recipients or messages refused, by reason.', labelNames: ['reason'], registers });
  }

  /** The text exposition format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  jobFinished(job: string, outcome: JobOutcome['status'], seconds: number): void {
    this.jobRuns.inc({ job, outcome });
    this.jobDuration.observe({ job }, seconds);
  }

  mailSettled(result: Settlement['status']): void {
    this.mailResults.inc({ result });
  }

  join(outcome: 'ok' | 'error'): void {
    this.joins.inc({ outcome });
  }

  leave(): void {
    this.leaves.inc();
  }

  fanOut(seconds: number, recipients: number): void {
    this.fanOutSeconds.observe(seconds);
    this.fanOutRecipients.inc(recipients);
  }

  rateLimited(kind: 'join' | 'message'): void {
    this.rateLimits.inc({ kind });
  }

  slowClientCut(): void {
    this.slowClients.inc();
  }

  recovered(messages: number): void {
    this.recoveries.observe(messages);
  }

  busPublish(seconds: number): void {
    this.busPublishSeconds.observe(seconds);
  }

  busReceive(seconds: number): void {
    this.busReceiveSeconds.observe(seconds);
  }

  busReconnect(): void {
    this.busReconnects.inc();
  }

  smtpSession(): void {
    this.smtpSessions.inc();
  }

  smtpRejected(reason: string): void {
    this.smtpRejections.inc({ reason });
  }

  loginFailed(): void {
    this.loginFailures.inc();
  }

  throttled(policy: string): void {
    this.throttledAttempts.inc({ policy });
  }

  /** One store query took `seconds` (failed or not). */
  storeQuery(seconds: number, failed: boolean): void {
    this.storeQueries.observe({ outcome: failed ? 'error' : 'ok' }, seconds);
  }
}
