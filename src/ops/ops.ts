import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { NodeInfo } from '../cluster/node-directory.ts';
import type { Clock, Timers } from '../domain/clock.ts';
import type { OutboxRepository } from '../mail/outbox-repository.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import { AdminSocket, adminSocketPath } from './admin-socket.ts';
import { ConnectionTable } from './connection-table.ts';
import { DiagService } from './diag-service.ts';
import { JobWatch } from './job-watch.ts';
import { MailWatch } from './mail-watch.ts';
import { EventLoopMonitor } from './node-stats.ts';
import { OpsMetrics } from './ops-metrics.ts';
import { ZabbixAgent } from './zabbix-agent.ts';
import { zabbixItems, type ZabbixItem } from './zabbix-items.ts';
import { ZabbixSender } from './zabbix-sender.ts';

export interface OpsDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  timers: Timers;
  nodeId: string;
  startedAt: number;
  pubsub: PubSub;
  store: { readonly outbox: OutboxRepository; ping(): Promise<unknown> };
  /** Read at request time, so the parts built after ops (realtime, the registry) can be named by closures. */
  realtime: { stats(): { connections: number; channels: number } };
  nodes(): NodeInfo[] | undefined;
  self(): NodeInfo;
}

/**
 * Operations of one node, in one place (DESIGN §8): Prometheus metrics, the watchers that feed
 * them (connections, jobs, mail), `renraku diag` over the admin socket and `/api/ops`, and the
 * Zabbix push and passive agent when configured. Built before the parts it watches; `start()`
 * opens its listeners (refusing to start on an unsafe admin socket path), `close()` ends them.
 */
export class Ops {
  readonly connections: ConnectionTable;
  readonly jobs: JobWatch;
  readonly mail: MailWatch;
  readonly metrics: OpsMetrics;
  readonly diag: DiagService;
  readonly items: readonly ZabbixItem[];
  readonly adminSocket: AdminSocket;
  private readonly deps: OpsDeps;
  private readonly loop = new EventLoopMonitor();
  private readonly zabbixLoop = new EventLoopMonitor();
  private agent: ZabbixAgent | undefined;
  private sender: ZabbixSender | undefined;
  /** The passive Zabbix agent's port once it listens; undefined when it is off. */
  agentPort: number | undefined;

  constructor(deps: OpsDeps) {
    this.deps = deps;
    const { config, clock, nodeId } = deps;
    this.connections = new ConnectionTable({ clock, timers: deps.timers });
    this.metrics = new OpsMetrics({ nodeId, clock, realtime: deps.realtime, connections: this.connections, nodes: deps.nodes, outbox: deps.store.outbox, store: deps.store });
    this.jobs = new JobWatch({ clock, onFinished: (job, outcome, seconds) => this.metrics.jobFinished(job, outcome, seconds) });
    this.mail = new MailWatch({ onSettled: (result) => this.metrics.mailSettled(result) });
    this.diag = new DiagService({
      nodeId, startedAt: deps.startedAt, clock, timers: deps.timers, logger: deps.logger, dataDir: config.dataDir, operatorToken: config.operatorToken,
      realtime: deps.realtime, connections: this.connections, pubsub: deps.pubsub, loop: this.loop, nodes: deps.nodes, self: deps.self,
      jobs: this.jobs, mail: this.mail, outbox: deps.store.outbox,
    });
    this.items = zabbixItems({
      startedAt: deps.startedAt, now: () => clock.now(), realtime: deps.realtime, connections: this.connections,
      clusterNodes: () => deps.nodes()?.length ?? 1, outbox: deps.store.outbox, jobs: this.jobs, loop: this.zabbixLoop,
    });
    this.adminSocket = new AdminSocket({ path: adminSocketPath(config.dataDir), service: this.diag, logger: deps.logger });
  }

  /**
   * Counts every HTTP request by route pattern and status (a hook on the root instance, so it
   * sees every route), and lets `diag log-level` reach Fastify's logger, a child of ours.
   */
  attachHttp(http: FastifyInstance): void {
    this.diag.alsoSetLevelOf(http.log as Logger);
    http.addHook('onResponse', async (request, reply) => {
      this.metrics.httpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    });
  }

  /** Opens the admin socket and the Zabbix agent, starts the Zabbix push. */
  async start(): Promise<void> {
    const { config, logger } = this.deps;
    await this.adminSocket.listen();
    this.connections.start();
    if (config.operatorToken === '') logger.warn('ops: RENRAKU_OPERATOR_TOKEN is not set: /metrics and /api/ops are off (renraku diag works on this host through the admin socket)');
    if (config.zabbixAgentPort !== 0) {
      this.agent = new ZabbixAgent({ items: this.items, logger });
      this.agentPort = await this.agent.listen(config.host, config.zabbixAgentPort);
      logger.info({ port: this.agentPort }, 'ops: Zabbix passive agent listening');
    }
    if (config.zabbixServer !== '') {
      this.sender = new ZabbixSender({ server: config.zabbixServer, host: config.zabbixHost, items: this.items, clock: this.deps.clock, timers: this.deps.timers, logger });
      this.sender.start();
    }
  }

  async close(): Promise<void> {
    await this.sender?.stop();
    await this.agent?.close();
    await this.adminSocket.close();
    this.connections.stop();
    this.loop.stop();
    this.zabbixLoop.stop();
  }
}
