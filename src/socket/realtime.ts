import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ChannelRouter, type ChannelRoute } from '../channels/channel-router.ts';
import { GroupChannel } from '../channels/group-channel.ts';
import { RoomChannel } from '../channels/room-channel.ts';
import { SeqGapFiller } from '../channels/seq-gap-filler.ts';
import { TypingThrottle } from '../channels/typing-throttle.ts';
import { UserChannel, type UnreadAnnouncements } from '../channels/user-channel.ts';
import { LIMITS } from '../config/limits.ts';
import { systemTimers, type Clock, type Timers } from '../domain/clock.ts';
import type { Store } from '../domain/store.ts';
import type { TalkService } from '../domain/talk-service.ts';
import { NodeRequests } from '../cluster/node-requests.ts';
import { PresenceReplication } from '../presence/presence-replication.ts';
import { PresenceTracker } from '../presence/presence-tracker.ts';
import type { Bus } from '../pubsub/bus.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { AcceptConnection, TokenVerifier } from '../transport/connection.ts';
import { LongPollTransport, type ForwardedLongPoll, type LongPollBody } from '../transport/longpoll-transport.ts';
import { WebSocketTransport } from '../transport/websocket-transport.ts';
import { SocketSession } from './socket-session.ts';

export interface RealtimeDeps {
  pubsub: PubSub;
  /** The bus under `pubsub`: presence replication and LongPoll forwarding talk to other nodes on it. */
  bus: Bus;
  /** This node's id in the cluster (unique per process). */
  nodeId: string;
  talk: TalkService;
  store: Store;
  tokens: TokenVerifier;
  clock: Clock;
  logger: Logger;
  /** Defaults to the real timers; tests pass manual ones to fire sweeps and batches by hand. */
  timers?: Timers;
  /** Per-socket message rate (config RENRAKU_MESSAGE_BURST / RENRAKU_MESSAGE_RATE). */
  messageBurst?: number;
  messageRatePerSecond?: number;
  /** Channel modules beyond room:, group: and user: (e.g. `announcement:`). */
  channels?: readonly ChannelRoute[];
  /** Unread announcements per group, for the `user:` join reply. */
  unreadAnnouncements?: UnreadAnnouncements;
}

export interface Realtime {
  /** Resolves once presence replication and request forwarding listen on the bus. */
  readonly ready: Promise<void>;
  /** Serves WebSocket upgrades at /socket/websocket on `server`. */
  attach(server: Server): void;
  /** Adds GET/POST /socket/longpoll to `app`. */
  registerLongPoll(app: FastifyInstance): Promise<void>;
  stats(): { connections: number; channels: number };
  /** Stops timers, closes every WebSocket with 1001 and ends every LongPoll session. */
  close(): Promise<void>;
}

/**
 * This node's real-time endpoint: both transports, one SocketSession per connection, the
 * room/group/user channels, presence, and revocation — a member removed from a group on any
 * node has that group's channels closed on every socket of theirs here. In a cluster: presence
 * is replicated between nodes (PresenceReplication), a LongPoll request for another node's
 * session is forwarded there over the bus, and after a bus outage (`pubsub.onResync`) every
 * channel of every socket gets `phx_error`, so clients rejoin — room channels with their
 * `last_seq` — and recover from the store what the outage lost.
 */
export function createRealtime(deps: RealtimeDeps): Realtime {
  const { pubsub, talk, store, clock, logger } = deps;
  const timers = deps.timers ?? systemTimers;
  const replication: PresenceReplication = new PresenceReplication({
    bus: deps.bus, nodeId: deps.nodeId, clock, timers, logger,
    localSnapshot: () => presence.snapshot(),
    onRemoteDiff: (topic, diff) => pubsub.localBroadcast(topic, 'presence_diff', { ...diff }),
  });
  const presence = new PresenceTracker({
    timers,
    remote: replication,
    broadcast: (topic, diff) => {
      pubsub.localBroadcast(topic, 'presence_diff', { ...diff });
      replication.publishLocal(topic, diff);
    },
  });
  const typing = new TypingThrottle(clock, LIMITS.typingThrottleMs);
  const gaps = new SeqGapFiller({ store, timers });
  const router = new ChannelRouter([
    { prefix: 'room:', create: () => new RoomChannel({ talk, store, pubsub, presence, typing, clock, gaps }) },
    { prefix: 'group:', create: () => new GroupChannel({ store, pubsub }) },
    { prefix: 'user:', create: () => new UserChannel({ talk, pubsub, unreadAnnouncements: deps.unreadAnnouncements }) },
    ...(deps.channels ?? []),
  ]);

  const sessions = new Set<SocketSession>();
  const byUser = new Map<string, Set<SocketSession>>();
  const accept: AcceptConnection = (connection, userId) => {
    const session = new SocketSession({
      connection, userId, router, clock,
      logger: logger.child({ connection: connection.id, user: userId }),
      ...(deps.messageBurst !== undefined ? { messageBurst: deps.messageBurst } : {}),
      ...(deps.messageRatePerSecond !== undefined ? { messageRefillPerSecond: deps.messageRatePerSecond } : {}),
    });
    sessions.add(session);
    let mine = byUser.get(userId);
    if (!mine) byUser.set(userId, (mine = new Set()));
    mine.add(session);
    return {
      receive: (data, binary) => session.receive(data, binary),
      closed: (code, reason) => {
        session.closed();
        sessions.delete(session);
        mine.delete(session);
        if (mine.size === 0 && byUser.get(userId) === mine) byUser.delete(userId);
        logger.debug({ connection: connection.id, code, reason }, 'realtime: connection closed');
      },
    };
  };

  const stopRevocations = pubsub.onRevoke((userId, groupId) => {
    for (const session of byUser.get(userId) ?? []) session.revokeGroup(groupId);
  });
  const stopResyncs = pubsub.onResync(() => {
    logger.warn({ sessions: sessions.size }, 'realtime: the bus was down; telling every client to rejoin and recover');
    for (const session of sessions) session.resync();
  });
  const requests = new NodeRequests({ bus: deps.bus, nodeId: deps.nodeId, timers, logger });
  const transportOptions = { tokens: deps.tokens, accept, clock, timers, logger };
  const websocket = new WebSocketTransport(transportOptions);
  const longPoll = new LongPollTransport({
    ...transportOptions,
    nodeId: deps.nodeId,
    forward: (owner, request, cancelled) => requests.request(owner, 'longpoll', request, LIMITS.busRequestTimeoutMs, cancelled) as Promise<LongPollBody>,
  });
  requests.handle('longpoll', (request, cancelled) => longPoll.serveForwarded(request as ForwardedLongPoll, cancelled));
  const ready = Promise.all([replication.start(), requests.start()]).then(() => {});
  ready.catch((err: unknown) => logger.error({ err }, 'realtime: cluster subscriptions failed'));

  return {
    ready,
    attach: (server) => websocket.attach(server),
    registerLongPoll: (app) => longPoll.register(app),
    stats() {
      let channels = 0;
      for (const session of sessions) channels += session.channelCount;
      return { connections: sessions.size, channels };
    },
    async close() {
      stopRevocations();
      stopResyncs();
      longPoll.close();
      await websocket.close();
      presence.flush();
      await replication.stop();
      await requests.stop();
    },
  };
}
