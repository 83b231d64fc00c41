import { hostname } from 'node:os';
import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { LIMITS } from '../config/limits.ts';
import { smtpTransportFromConfig } from '../adapters/mail/smtp-transport.ts';
import { createStore } from '../adapters/store/create-store.ts';
import { MIGRATION_NOTES } from '../adapters/store/migrations/index.ts';
import { attemptLimitersFromConfig } from '../adapters/limiter/flexible-attempt-limiters.ts';
import { Throttles } from '../accounts/throttles.ts';
import { checkPasswordStrength } from '../accounts/password-policy.ts';
import { openClusterBackend } from '../cluster/cluster-backend.ts';
import type { NodeDirectory } from '../cluster/node-directory.ts';
import { newNodeId } from '../cluster/node-id.ts';
import { NodeRegistry } from '../cluster/node-registry.ts';
import { AccountLinkTokens } from '../accounts/account-link-tokens.ts';
import { AccountService } from '../accounts/account-service.ts';
import { systemClock, systemTimers, type Clock } from '../domain/clock.ts';
import { GroupService } from '../domain/group-service.ts';
import { IdGenerator } from '../domain/ids.ts';
import { SocketTokens } from '../domain/socket-token.ts';
import type { Store } from '../domain/store.ts';
import { TalkService } from '../domain/talk-service.ts';
import { createAuth } from '../http/auth.ts';
import { withSignedInScope } from '../http/signed-in-scope.ts';
import { httpErrorOptions, registerErrorHandler } from '../http/error-handler.ts';
import { registerSecurityHeaders, securityHeaders } from '../http/security-headers.ts';
import { createValidatorCompiler } from '../http/validator.ts';
import type { Api, RouteDeps } from '../http/route-deps.ts';
import { accountRoutes, publicAccountRoutes } from '../http/routes/account-routes.ts';
import { groupRoutes } from '../http/routes/group-routes.ts';
import { healthRoutes } from '../http/routes/health-routes.ts';
import { BUILT_CLIENT_DIR, homeRoutes } from '../http/routes/home-routes.ts';
import { inviteRoutes, publicInviteRoutes } from '../http/routes/invite-routes.ts';
import { roomRoutes } from '../http/routes/room-routes.ts';
import { subgroupRoutes } from '../http/routes/subgroup-routes.ts';
import { announcementRoutes, publicAnnouncementRoutes } from '../http/routes/announcement-routes.ts';
import { createAnnouncements, type Announcements } from './create-announcements.ts';
import { announcementChannelRoute } from '../channels/announcement-channel.ts';
import { Dispatcher } from '../mail/dispatcher.ts';
import { Outbox } from '../mail/outbox.ts';
import { VerpAddresses } from '../mail/verp.ts';
import { createFeedbackHandlers, createMailFeedback, type MailFeedback } from '../mail/feedback/index.ts';
import type { InboundHandler } from '../mail/inbound/inbound-handler.ts';
import { SmtpTlsFiles } from '../mail/inbound/smtp-tls.ts';
import { InboundSmtpServer } from '../mail/inbound/inbound-smtp-server.ts';
import { registerInboundJobs } from '../mail/inbound/inbound-jobs.ts';
import { createMailingList, type MailingList } from './create-mailing-list.ts';
import { senderTrustOf } from '../lists/sender-trust.ts';
import { listRoutes, publicListRoutes } from '../http/routes/list-routes.ts';
import { feedbackRoutes, publicFeedbackRoutes } from '../http/routes/feedback-routes.ts';
import type { Bus } from '../pubsub/bus.ts';
import { PubSub } from '../pubsub/pubsub.ts';
import { registerHousekeeping } from '../scheduler/housekeeping.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { createRealtime, type Realtime } from '../socket/realtime.ts';
import { AdminSocket, adminSocketPath } from '../ops/admin-socket.ts';
import { ObservedBus } from '../ops/observed-bus.ts';
import { Ops } from '../ops/ops.ts';
import { opsRoutes } from '../http/routes/ops-routes.ts';
import { loadOrCreateSecret } from './secret.ts';

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** An open store; when absent one is opened from the config and migrated. */
  store?: Store;
  /** The cross-node bus; when absent, Redis if `config.redisUrl` is set, else a private in-memory bus (single node). */
  bus?: Bus;
  /** With `bus`: where cluster members register (tests); Redis is used with `config.redisUrl`. */
  directory?: NodeDirectory;
  /** This node's id in the cluster; a new random one when absent. */
  nodeId?: string;
  clock?: Clock;
  /** The built web client served at `/` (tests build one into a temp dir); web/dist when absent. */
  webRoot?: string;
}

export interface RenrakuApp {
  readonly nodeId: string;
  /** Cluster membership (with Redis or a given directory); started by listen(), left by close(). */
  readonly registry: NodeRegistry | undefined;
  readonly http: Api;
  readonly store: Store;
  readonly pubsub: PubSub;
  readonly realtime: Realtime;
  readonly accounts: AccountService;
  /** Attempt budgets (sign-in, sign-up, reset, resend): in Redis with `config.redisUrl`, else in memory. */
  readonly throttles: Throttles;
  readonly groups: GroupService;
  readonly talk: TalkService;
  readonly tokens: SocketTokens;
  /** Outbound mail: enqueue() commits one row per recipient; the dispatcher sends them. */
  readonly outbox: Outbox;
  /** Started by listen(), stopped by close(); tests call runOnce(). */
  readonly dispatcher: Dispatcher;
  /** The durable scheduler: register jobs before listen(), which starts it; close() stops it first. */
  readonly scheduler: Scheduler;
  /** Announcements, their delivery and attachments (jobs registered on `scheduler`). */
  readonly announcements: Announcements;
  /** Mail that comes back: bounce scores, answers by reply, joins by mail; `feedbackHandlers` serve the inbound SMTP server. */
  readonly feedback: MailFeedback;
  readonly feedbackHandlers: InboundHandler[];
  /** The groups' mailing lists: settings, moderation, distribution, digests (job on `scheduler`). */
  readonly lists: MailingList;
  /** The inbound SMTP listener (RENRAKU_SMTP_PORT; undefined when 0): started by listen(), stopped by close(). */
  readonly smtp: InboundSmtpServer | undefined;
  /** Metrics, diagnostics (admin socket, /api/ops) and Zabbix: docs/operations.md. */
  readonly ops: Ops;
  /** Listen on the configured host and port; resolves to the base URL. */
  listen(): Promise<string>;
  /** Graceful: stop accepting, close sockets with "going away", close the store. */
  close(): Promise<void>;
}

/** Wires the whole server from its parts; `main` only calls listen(). */
export async function buildApp(options: AppOptions): Promise<RenrakuApp> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  // Refused before anything is opened: a node must not serve diagnostics through a socket others may control.
  await AdminSocket.check(adminSocketPath(config.dataDir));
  // Read and checked before anything is opened too: a bad certificate stops start-up, naming its variable.
  const smtpTls = config.smtpPort !== 0 && config.smtpTlsCertPath ? new SmtpTlsFiles({ certPath: config.smtpTlsCertPath, keyPath: config.smtpTlsKeyPath }) : undefined;
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openStore(config, logger));
  const ids = new IdGenerator(() => clock.now());
  const secret = loadOrCreateSecret(config.dataDir, config.secret);
  const tokens = new SocketTokens(secret, LIMITS.socketTokenTtlMs, () => clock.now());
  const nodeId = options.nodeId ?? newNodeId();
  const backend = options.bus ? { bus: options.bus, directory: options.directory } : await openClusterBackend(config, nodeId, logger);
  const bus = new ObservedBus(backend.bus);
  const pubsub = new PubSub({ bus, logger });
  const ops = new Ops({
    config, logger, clock, timers: systemTimers, nodeId, startedAt: clock.now(), pubsub, store,
    realtime: { stats: () => realtime.stats() }, nodes: () => registry?.live(),
    self: () => ({ id: nodeId, address, started_at: startedAt, connections: realtime.stats().connections, heartbeat_at: clock.now() }),
  });
  bus.observe(ops.metrics);
  store.observeQueries?.((seconds, failed) => ops.metrics.storeQuery(seconds, failed));
  pubsub.observe(ops.metrics);
  const limiters = await attemptLimitersFromConfig(config);
  const throttles = new Throttles({ limiters, exemptAddresses: config.throttleExempt, metrics: ops.metrics });
  const groups = new GroupService({ store, notifier: pubsub, clock, ids });
  const talk = new TalkService({ store, notifier: pubsub, clock, ids });
  const verp = new VerpAddresses(secret, config.listDomain);
  const dispatcher = new Dispatcher({ repository: ops.mail.observe(store.outbox), transport: smtpTransportFromConfig(config), verp, clock, logger, paused: (userIds) => store.feedback.pausedAmong(userIds) });
  const outbox = new Outbox({ repository: store.outbox, ids, clock, listDomain: config.listDomain, onEnqueued: () => dispatcher.wake() });
  const accounts = new AccountService({
    store, clock, ids, tokens, links: new AccountLinkTokens(secret), mail: outbox, notifier: pubsub, publicUrl: config.publicUrl, defaultLanguage: 'ja',
    checkPassword: checkPasswordStrength,
    onBackgroundError: (err, what) => logger.error({ err }, `accounts: ${what} failed`),
  });
  const scheduler = new Scheduler({ store: { jobs: ops.jobs.observe(store.jobs) }, clock, logger, nodeId: `${hostname()}/${ids.next()}` });
  registerHousekeeping(scheduler, { store, clock, logger });
  const feedback = createMailFeedback({ store, notifier: pubsub, clock, ids, logger, secret, listDomain: config.listDomain, publicUrl: config.publicUrl, mail: outbox, groups, accounts });
  feedback.scores.registerJobs(scheduler);
  const announcements = createAnnouncements({ store, notifier: pubsub, clock, ids, groups, scheduler, mail: outbox, secret, config, replyAddresses: feedback.replyAddresses });
  const feedbackHandlers = createFeedbackHandlers({ feedback, verp, answers: announcements.service });
  const senders = senderTrustOf(config);
  if (senders.warning !== undefined) logger.warn(senders.warning);
  const lists = createMailingList({ store, talk, mail: outbox, scheduler, ids, clock, logger, secret, listDomain: config.listDomain, publicUrl: config.publicUrl, dataDir: config.dataDir, senderTrust: senders.trust });
  // Every kind of address the SMTP server accepts; any other recipient is refused at RCPT.
  const inboundHandlers: InboundHandler[] = [lists.handler, ...feedbackHandlers];
  const smtp = config.smtpPort === 0 ? undefined : new InboundSmtpServer({
    handlers: inboundHandlers, repository: store.inbound, ids, clock, logger, maxBytes: config.smtpMaxBytes, hostname: config.listDomain, metrics: ops.metrics,
    ...(smtpTls ? { tls: smtpTls } : {}),
  });
  if (smtp !== undefined) registerInboundJobs(scheduler, { processor: smtp.processor, repository: store.inbound, clock });

  const http = Fastify({
    loggerInstance: logger,
    bodyLimit: LIMITS.maxHttpBodyBytes,
    // RENRAKU_TRUST_PROXY: request.ip is the client named by those proxies (per-address limits count it).
    trustProxy: config.trustProxy === false ? false : [...config.trustProxy],
    ...httpErrorOptions(securityHeaders(config.publicUrl)),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as Api;
  http.setValidatorCompiler(createValidatorCompiler());
  // A POST without a body (e.g. `POST /api/groups/:id/invites`) means "no options": validate it as {}.
  http.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) (request as { body: unknown }).body = {};
  });

  registerErrorHandler(http);
  registerSecurityHeaders(http, config.publicUrl);
  ops.attachHttp(http);
  await http.register(swagger, {
    openapi: {
      info: { title: 'Renraku API', version: '0.1.0', description: 'Group contact networks with real-time talk. Errors are {error, code, message}; see docs/errors.md.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  let draining = false;
  const auth = createAuth(accounts, config.publicUrl);
  const deps: RouteDeps = { config, auth, accounts, groups, talk, throttles };
  const realtime = createRealtime({ pubsub, bus, nodeId, talk, store, tokens, sessionIsLive: (userId, sessionId) => accounts.sessionIsLive(userId, sessionId), clock, logger, messageBurst: config.messageBurst, messageRatePerSecond: config.messageRatePerSecond, channels: [announcementChannelRoute({ announcements: announcements.service, pubsub })], unreadAnnouncements: (userId) => announcements.service.unreadByGroup(userId), observeConnections: (accept) => ops.connections.observe(accept), metrics: ops.metrics });
  await realtime.ready;
  let address = '';
  const startedAt = clock.now();
  const registry = backend.directory && new NodeRegistry({
    directory: backend.directory, clock, timers: systemTimers, logger,
    self: () => ({ id: nodeId, address, started_at: startedAt, connections: realtime.stats().connections }),
  });

  await http.register(async (api) => {
    const typed = api as unknown as Api;
    healthRoutes(typed, { storeReady: () => store.ping(), isDraining: () => draining });
    opsRoutes(typed, { operatorToken: config.operatorToken, metrics: ops.metrics, diag: ops.diag });
    await homeRoutes(typed, { root: options.webRoot ?? BUILT_CLIENT_DIR, publicUrl: config.publicUrl });
    publicAccountRoutes(typed, deps);
    publicInviteRoutes(typed, deps);
    publicAnnouncementRoutes(typed, deps, { announcements: announcements.service });
    publicFeedbackRoutes(typed, { feedback });
    publicListRoutes(typed, { lists: lists.service });
    await withSignedInScope(typed, auth, (signedIn) => {
      accountRoutes(signedIn, deps);
      groupRoutes(signedIn, deps);
      inviteRoutes(signedIn, deps);
      subgroupRoutes(signedIn, deps);
      roomRoutes(signedIn, deps);
      announcementRoutes(signedIn, { announcements: announcements.service, attachments: announcements.attachments });
      feedbackRoutes(signedIn, { feedback, announcements: announcements.service });
      listRoutes(signedIn, { lists: lists.service, attachments: lists.attachments });
    });
    await realtime.registerLongPoll(api);
    api.get('/api/openapi.json', { schema: { hide: true } }, async () => http.swagger());
  });
  await http.ready();
  realtime.attach(http.server);

  return {
    nodeId, registry, http, store, pubsub, realtime, accounts, throttles, groups, talk, tokens, scheduler, outbox, dispatcher, announcements, feedback, feedbackHandlers,
    ops, lists, smtp,
    async listen() {
      await ops.start();
      await http.listen({ host: config.host, port: config.httpPort, backlog: LIMITS.listenBacklog });
      dispatcher.start();
      scheduler.start();
      const listening = http.server.address();
      const port = typeof listening === 'object' && listening ? listening.port : config.httpPort;
      const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
      // Other nodes and operators need a reachable address, not the wildcard.
      address = config.host === '0.0.0.0' || config.host === '::' ? `http://${hostname()}:${port}` : url;
      await smtp?.listen(config.smtpPort, config.host);
      await registry?.start();
      return url;
    },
    async close() {
      draining = true;
      await registry?.stop();
      await smtp?.close();
      await scheduler.stop();
      await realtime.close();
      await http.close();
      await ops.close();
      await dispatcher.stop();
      await bus.close();
      await limiters.close();
      await backend.directory?.close();
      if (ownsStore) await store.close();
    },
  };
}

async function openStore(config: Config, logger: Logger): Promise<Store> {
  const store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  for (const name of await store.migrate()) {
    if (MIGRATION_NOTES[name]) logger.info({ migration: name }, `migration ${name}: ${MIGRATION_NOTES[name]}`);
  }
  return store;
}
