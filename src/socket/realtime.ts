import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ChannelRouter } from '../channels/channel-router.ts';
import { GroupChannel } from '../channels/group-channel.ts';
import { RoomChannel } from '../channels/room-channel.ts';
import { TypingThrottle } from '../channels/typing-throttle.ts';
import { UserChannel } from '../channels/user-channel.ts';
import { LIMITS } from '../config/limits.ts';
import { systemTimers, type Clock, type Timers } from '../domain/clock.ts';
import type { Store } from '../domain/store.ts';
import type { TalkService } from '../domain/talk-service.ts';
import { PresenceTracker } from '../presence/presence-tracker.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { AcceptConnection, TokenVerifier } from '../transport/connection.ts';
import { LongPollTransport } from '../transport/longpoll-transport.ts';
import { WebSocketTransport } from '../transport/websocket-transport.ts';
import { SocketSession } from './socket-session.ts';

export interface RealtimeDeps {
  pubsub: PubSub;
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
}

export interface Realtime {
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
 * node has that group's channels closed on every socket of theirs here.
 */
export function createRealtime(deps: RealtimeDeps): Realtime {
  const { pubsub, talk, store, clock, logger } = deps;
  const timers = deps.timers ?? systemTimers;
  const presence = new PresenceTracker({ timers, broadcast: (topic, diff) => pubsub.broadcast(topic, 'presence_diff', { ...diff }) });
  const typing = new TypingThrottle(clock, LIMITS.typingThrottleMs);
  const router = new ChannelRouter([
    { prefix: 'room:', create: () => new RoomChannel({ talk, store, pubsub, presence, typing, clock }) },
    { prefix: 'group:', create: () => new GroupChannel({ store, pubsub }) },
    { prefix: 'user:', create: () => new UserChannel({ talk, pubsub }) },
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
  const transportOptions = { tokens: deps.tokens, accept, clock, timers, logger };
  const websocket = new WebSocketTransport(transportOptions);
  const longPoll = new LongPollTransport(transportOptions);

  return {
    attach: (server) => websocket.attach(server),
    registerLongPoll: (app) => longPoll.register(app),
    stats() {
      let channels = 0;
      for (const session of sessions) channels += session.channelCount;
      return { connections: sessions.size, channels };
    },
    async close() {
      stopRevocations();
      longPoll.close();
      await websocket.close();
      presence.flush();
    },
  };
}
