import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { LIMITS } from '../config/limits.ts';
import { createStore } from '../adapters/store/create-store.ts';
import { AccountService } from '../domain/account-service.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
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
import { homeRoutes } from '../http/routes/home-routes.ts';
import { inviteRoutes } from '../http/routes/invite-routes.ts';
import { roomRoutes } from '../http/routes/room-routes.ts';
import { subgroupRoutes } from '../http/routes/subgroup-routes.ts';
import type { Bus } from '../pubsub/bus.ts';
import { MemoryBusHub } from '../pubsub/memory-bus.ts';
import { PubSub } from '../pubsub/pubsub.ts';
import { createRealtime, type Realtime } from '../socket/realtime.ts';
import { loadOrCreateSecret } from './secret.ts';

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** An open store; when absent one is opened from the config and migrated. */
  store?: Store;
  /** The cross-node bus; a private in-memory bus (single node) when absent. */
  bus?: Bus;
  clock?: Clock;
}

export interface RenrakuApp {
  readonly http: Api;
  readonly store: Store;
  readonly pubsub: PubSub;
  readonly realtime: Realtime;
  readonly accounts: AccountService;
  readonly groups: GroupService;
  readonly talk: TalkService;
  readonly tokens: SocketTokens;
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
  const tokens = new SocketTokens(loadOrCreateSecret(config.dataDir, config.secret), LIMITS.socketTokenTtlMs, () => clock.now());
  const bus = options.bus ?? new MemoryBusHub().connect();
  const pubsub = new PubSub({ bus, logger });
  const accounts = new AccountService({ store, clock, ids, tokens });
  const groups = new GroupService({ store, notifier: pubsub, clock, ids });
  const talk = new TalkService({ store, notifier: pubsub, clock, ids });

  const http = Fastify({
    loggerInstance: logger,
    bodyLimit: LIMITS.maxHttpBodyBytes,
    trustProxy: false,
    disableRequestLogging: true,
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
  const realtime = createRealtime({ pubsub, talk, store, tokens, clock, logger, messageBurst: config.messageBurst, messageRatePerSecond: config.messageRatePerSecond });

  await http.register(async (api) => {
    const typed = api as unknown as Api;
    healthRoutes(typed, deps, () => draining);
    homeRoutes(typed);
    accountRoutes(typed, deps);
    groupRoutes(typed, deps);
    inviteRoutes(typed, deps);
    subgroupRoutes(typed, deps);
    roomRoutes(typed, deps);
    await realtime.registerLongPoll(api);
    api.get('/api/openapi.json', { schema: { hide: true } }, async () => http.swagger());
  });
  await http.ready();
  realtime.attach(http.server);

  return {
    http, store, pubsub, realtime, accounts, groups, talk, tokens,
    async listen() {
      await http.listen({ host: config.host, port: config.httpPort });
      const address = http.server.address();
      const port = typeof address === 'object' && address ? address.port : config.httpPort;
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    },
    async close() {
      draining = true;
      await realtime.close();
      await http.close();
      await bus.close();
      if (ownsStore) await store.close();
    },
  };
}

async function openStore(config: Config): Promise<Store> {
  const store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await store.migrate();
  return store;
}
