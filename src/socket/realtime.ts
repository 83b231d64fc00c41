import type { Server } from 'node:http';
import { NO_SERVER_METRICS, type ServerMetrics } from '../shared/server-metrics.ts';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ChannelRouter, type ChannelRoute } from '../channels/channel-router.ts';
import { GroupChannel } from '../channels/group-channel.ts';
import { JoinCache } from '../channels/join-cache.ts';
import { LiveRoomSeqs } from '../channels/live-room-seqs.ts';
import { RoomChannel } from '../channels/room-channel.ts';
import { SeqGapFiller } from '../channels/seq-gap-filler.ts';
import { SharedReads } from '../channels/shared-reads.ts';
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
import type { SessionIsLive } from '../transport/session-gate.ts';
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
  /** Whether a socket token's sign-in session still stands (AccountService.sessionIsLive), checked at every connect. */
  sessionIsLive: SessionIsLive;
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
  /** Operations' count of every connection and frame (src/ops/connection-table.ts): wraps `accept` once. */
  observeConnections?: (accept: AcceptConnection) => AcceptConnection;
  /** Joins, leaves, rate limits, slow-client cut-offs and recovery sizes (operations' metrics). */
  metrics?: ServerMetrics;
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
 * node has that group's channels closed on every socket of theirs here; after a role or
 * sub-group change on any node, that user's channels of the group here run their join check
 * again and those refused are closed; a sign-in session ended on any node (logout, revoked,
 * password change or reset, account deleted) has every connection opened with it here closed
 * (WebSocket 4401; LongPoll: the held poll answers 403). In a cluster: presence
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
    onRemoteDiff: (topic, diff) => presence.remoteDiff(topic, diff),
  });
  const presence = new PresenceTracker({
    timers,
    remote: replication,
    show: (topic, event, payload) => pubsub.localBroadcast(topic, event, payload),
    replicate: (topic, diff) => replication.publishLocal(topic, diff),
    subscribers: (topic) => pubsub.subscriberCount(topic),
  });
  const typing = new TypingThrottle(clock, LIMITS.typingThrottleMs);
  const gaps = new SeqGapFiller({ store, timers });
  const cache = new JoinCache({ store, clock });
  const reads = new SharedReads();
  const live = new LiveRoomSeqs();
  // One deps object for all room channels (not one per join).
  const metrics = deps.metrics ?? NO_SERVER_METRICS;
  const roomDeps = { talk, store, pubsub, presence, typing, clock, gaps, cache, reads, live, metrics };
  const router = new ChannelRouter([
    { prefix: 'room:', create: () => new RoomChannel(roomDeps) },
    { prefix: 'group:', create: () => new GroupChannel({ store, pubsub }) },
    { prefix: 'user:', create: () => new UserChannel({ talk, pubsub, unreadAnnouncements: deps.unreadAnnouncements }) },
    ...(deps.channels ?? []),
  ]);

  const sessions = new Set<SocketSession>();
  /** A user's sessions on this node: the session itself while they have one (most do), else a Set. */
  const byUser = new Map<string, SocketSession | Set<SocketSession>>();
  const sessionsOf = (userId: string): Iterable<SocketSession> => {
    const mine = byUser.get(userId);
    return mine === undefined ? [] : mine instanceof Set ? [...mine] : [mine];
  };
  const onClosed = (session: SocketSession): void => {
    sessions.delete(session);
    const mine = byUser.get(session.userId);
    if (mine === session) byUser.delete(session.userId);
    else if (mine instanceof Set) {
      mine.delete(session);
      if (mine.size === 1) byUser.set(session.userId, mine.values().next().value as SocketSession);
    }
  };
  // The session is the connection's handler: no per-connection closures.
  const accept: AcceptConnection = (connection, userId) => {
    const session = new SocketSession({
      connection, userId, router, clock, logger, onClosed, metrics,
      ...(deps.messageBurst !== undefined ? { messageBurst: deps.messageBurst } : {}),
      ...(deps.messageRatePerSecond !== undefined ? { messageRefillPerSecond: deps.messageRatePerSecond } : {}),
    });
    sessions.add(session);
    const mine = byUser.get(userId);
    if (mine === undefined) byUser.set(userId, session);
    else if (mine instanceof Set) mine.add(session);
    else byUser.set(userId, new Set([mine, session]));
    return session;
  };

  const stopRevocations = pubsub.onRevoke((userId, groupId) => {
    cache.revoke(userId, groupId);
    for (const session of sessionsOf(userId)) session.revokeGroup(groupId);
  });
  const stopRechecks = pubsub.onRecheck((userId, groupId) => {
    for (const session of sessionsOf(userId)) session.recheckGroup(groupId);
  });
  const stopResyncs = pubsub.onResync(() => {
    logger.warn({ sessions: sessions.size }, 'realtime: the bus was down; telling every client to rejoin and recover');
    cache.clear();
    live.clear();
    for (const session of sessions) session.resync();
  });
  const requests = new NodeRequests({ bus: deps.bus, nodeId: deps.nodeId, timers, logger });
  const transportOptions = { tokens: deps.tokens, sessionIsLive: deps.sessionIsLive, accept: deps.observeConnections?.(accept) ?? accept, clock, timers, logger, metrics };
  const websocket = new WebSocketTransport(transportOptions);
  const longPoll = new LongPollTransport({
    ...transportOptions,
    nodeId: deps.nodeId,
    forward: (owner, request, cancelled) => requests.request(owner, 'longpoll', request, LIMITS.busRequestTimeoutMs, cancelled) as Promise<LongPollBody>,
  });
  const stopSessionsClosed = pubsub.onSessionsClosed((_userId, sessionIds) => {
    websocket.closeSessions(sessionIds);
    longPoll.closeSessions(sessionIds);
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
      stopRechecks();
      stopSessionsClosed();
      stopResyncs();
      longPoll.close();
      await websocket.close();
      presence.flush();
      await replication.stop();
      await requests.stop();
    },
  };
}
