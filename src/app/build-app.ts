import { hostname } from 'node:os';
import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { LIMITS } from '../config/limits.ts';
import { smtpTransportFromConfig } from '../adapters/mail/smtp-transport.ts';
import { createStore } from '../adapters/store/create-store.ts';
import { openClusterBackend } from '../cluster/cluster-backend.ts';
import type { NodeDirectory } from '../cluster/node-directory.ts';
import { newNodeId } from '../cluster/node-id.ts';
import { NodeRegistry } from '../cluster/node-registry.ts';
import { AccountService } from '../domain/account-service.ts';
import { systemClock, systemTimers, type Clock } from '../domain/clock.ts';
import { GroupService } from '../domain/group-service.ts';
import { IdGenerator } from '../domain/ids.ts';
import { SocketTokens } from '../domain/socket-token.ts';
import type { Store } from '../domain/store.ts';
import { TalkService } from '../domain/talk-service.ts';
import { createAuth } from '../http/auth.ts';
import { registerErrorHandler } from '../http/error-handler.ts';
import { createValidatorCompiler } from '../http/validator.ts';
import type { Api, RouteDeps } from '../http/route-deps.ts';
import { accountRoutes } from '../http/routes/account-routes.ts';
import { groupRoutes } from '../http/routes/group-routes.ts';
import { healthRoutes } from '../http/routes/health-routes.ts';
import { BUILT_CLIENT_DIR, homeRoutes } from '../http/routes/home-routes.ts';
import { inviteRoutes } from '../http/routes/invite-routes.ts';
import { roomRoutes } from '../http/routes/room-routes.ts';
import { subgroupRoutes } from '../http/routes/subgroup-routes.ts';
import { announcementRoutes } from '../http/routes/announcement-routes.ts';
import { createAnnouncements, type Announcements } from './create-announcements.ts';
import { announcementChannelRoute } from '../channels/announcement-channel.ts';
import { Dispatcher } from '../mail/dispatcher.ts';
import { Outbox } from '../mail/outbox.ts';
import { VerpAddresses } from '../mail/verp.ts';
import type { Bus } from '../pubsub/bus.ts';
import { PubSub } from '../pubsub/pubsub.ts';
import { registerHousekeeping } from '../scheduler/housekeeping.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { createRealtime, type Realtime } from '../socket/realtime.ts';
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
  /** Listen on the configured host and port; resolves to the base URL. */
  listen(): Promise<string>;
  /** Graceful: stop accepting, close sockets with "going away", close the store. */
  close(): Promise<void>;
}

/** Wires the whole server from its parts; `main` only calls listen(). */
export async function buildApp(options: AppOptions): Promise<RenrakuApp> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openStore(config));
  const ids = new IdGenerator(() => clock.now());
  const secret = loadOrCreateSecret(config.dataDir, config.secret);
  const tokens = new SocketTokens(secret, LIMITS.socketTokenTtlMs, () => clock.now());
  const nodeId = options.nodeId ?? newNodeId();
  const backend = options.bus ? { bus: options.bus, directory: options.directory } : await openClusterBackend(config, nodeId, logger);
  const bus = backend.bus;
  const pubsub = new PubSub({ bus, logger });
  const accounts = new AccountService({ store, clock, ids, tokens });
  const groups = new GroupService({ store, notifier: pubsub, clock, ids });
  const talk = new TalkService({ store, notifier: pubsub, clock, ids });
  const verp = new VerpAddresses(secret, config.listDomain);
  const dispatcher = new Dispatcher({ repository: store.outbox, transport: smtpTransportFromConfig(config), verp, clock, logger });
  const outbox = new Outbox({ repository: store.outbox, ids, clock, listDomain: config.listDomain, onEnqueued: () => dispatcher.wake() });
  const scheduler = new Scheduler({ store, clock, logger, nodeId: `${hostname()}/${ids.next()}` });
  registerHousekeeping(scheduler, { store, clock, logger });
  const announcements = createAnnouncements({ store, notifier: pubsub, clock, ids, groups, scheduler, mail: outbox, secret, config });

  const http = Fastify({
    loggerInstance: logger,
    bodyLimit: LIMITS.maxHttpBodyBytes,
    trustProxy: false,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as Api;
  http.setValidatorCompiler(createValidatorCompiler());
  // A POST without a body (e.g. `POST /api/groups/:id/invites`) means "no options": validate it as {}.
  http.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) (request as { body: unknown }).body = {};
  });

  registerErrorHandler(http);
  await http.register(swagger, {
    openapi: {
      info: { title: 'Renraku API', version: '0.1.0', description: 'Group contact networks with real-time talk. Errors are {error, code, message}; see docs/errors.md.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  let draining = false;
  const auth = createAuth(accounts, config.publicUrl);
  const deps: RouteDeps = { config, auth, accounts, groups, talk, store };
  const realtime = createRealtime({ pubsub, bus, nodeId, talk, store, tokens, clock, logger, messageBurst: config.messageBurst, messageRatePerSecond: config.messageRatePerSecond, channels: [announcementChannelRoute({ announcements: announcements.service, pubsub })], unreadAnnouncements: (userId) => announcements.service.unreadByGroup(userId) });
  await realtime.ready;
  let address = '';
  const startedAt = clock.now();
  const registry = backend.directory && new NodeRegistry({
    directory: backend.directory, clock, timers: systemTimers, logger,
    self: () => ({ id: nodeId, address, started_at: startedAt, connections: realtime.stats().connections }),
  });

  await http.register(async (api) => {
    const typed = api as unknown as Api;
    healthRoutes(typed, deps, () => draining);
    await homeRoutes(typed, { root: options.webRoot ?? BUILT_CLIENT_DIR });
    accountRoutes(typed, deps);
    groupRoutes(typed, deps);
    inviteRoutes(typed, deps);
    subgroupRoutes(typed, deps);
    roomRoutes(typed, deps);
    announcementRoutes(typed, deps, { announcements: announcements.service, attachments: announcements.attachments });
    await realtime.registerLongPoll(api);
    api.get('/api/openapi.json', { schema: { hide: true } }, async () => http.swagger());
  });
  await http.ready();
  realtime.attach(http.server);

  return {
    nodeId, registry, http, store, pubsub, realtime, accounts, groups, talk, tokens, scheduler, outbox, dispatcher, announcements,
    async listen() {
      await http.listen({ host: config.host, port: config.httpPort });
      dispatcher.start();
      scheduler.start();
      const listening = http.server.address();
      const port = typeof listening === 'object' && listening ? listening.port : config.httpPort;
      const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
      // Other nodes and operators need a reachable address, not the wildcard.
      address = config.host === '0.0.0.0' || config.host === '::' ? `http://${hostname()}:${port}` : url;
      await registry?.start();
      return url;
    },
    async close() {
      draining = true;
      await registry?.stop();
      await scheduler.stop();
      await realtime.close();
      await http.close();
      await dispatcher.stop();
      await bus.close();
      await backend.directory?.close();
      if (ownsStore) await store.close();
    },
  };
}

async function openStore(config: Config): Promise<Store> {
  const store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await store.migrate();
  return store;
}
