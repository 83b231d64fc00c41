import { LIMITS } from '../config/limits.ts';
import { AppError } from '../domain/app-error.ts';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../domain/store.ts';
import type { TalkService } from '../domain/talk-service.ts';
import type { Room } from '../domain/types.ts';
import type { PresenceTracker } from '../presence/presence-tracker.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { Channel, ChannelContext, JoinResult } from './channel.ts';
import { topicId } from './channel-router.ts';
import { JoinBuffer } from './join-buffer.ts';
import { field } from './payload.ts';
import type { SeqGapFiller } from './seq-gap-filler.ts';
import type { TypingThrottle } from './typing-throttle.ts';

export interface RoomChannelDeps {
  talk: TalkService;
  store: Store;
  pubsub: PubSub;
  presence: PresenceTracker;
  typing: TypingThrottle;
  clock: Clock;
  /** Reads seq gaps from the store, so `msg` broadcasts reach the client in order with none missing (cluster). */
  gaps?: SeqGapFiller;
}

const EVENTS_IN = ['msg:new', 'msg:edit', 'msg:delete', 'read', 'typing', 'history'] as const;

/**
 * `room:<id>`: talk in one room. Join needs membership of the room's group. With join params
 * `{last_seq}` the reply carries `{last_seq, messages, recovered}` from the store; without,
 * `{last_seq}`. No message is lost or duplicated across the join: the topic is subscribed
 * before the store is read, and broadcasts of messages the reply covers are dropped (JoinBuffer).
 * After the reply the client gets `presence_state` and the user is tracked (key = user id).
 * Broadcasts: msg, msg:edited, msg:deleted, read, typing, presence_diff.
 */
export class RoomChannel implements Channel {
  private readonly deps: RoomChannelDeps;
  private ctx: ChannelContext | undefined;
  private roomId = '';
  /** As read at join; used for its id and group only (postChecked). */
  private room: Room | undefined;
  private buffer: JoinBuffer | undefined;
  private phxRef: string | undefined;
  private left = false;
  groupId: string | undefined;

  constructor(deps: RoomChannelDeps) {
    this.deps = deps;
  }

  async join(ctx: ChannelContext, params: Record<string, unknown>): Promise<JoinResult> {
    const { talk, store, pubsub, presence, clock } = this.deps;
    this.ctx = ctx;
    this.roomId = topicId(ctx.topic);
    const lastSeq = field.optionalCount(params, 'last_seq');
    const [{ room }, user] = await Promise.all([talk.access(ctx.userId, this.roomId), store.users.findById(ctx.userId)]);
    this.room = room;
    this.groupId = room.group_id;
    const buffer = (this.buffer = new JoinBuffer(pubsub, ctx, this.deps.gaps?.forRoom(this.roomId)));
    await buffer.ready;
    let response: { last_seq: number; messages?: unknown[]; recovered?: boolean };
    if (lastSeq !== undefined) {
      const recovery = await talk.recover(room, lastSeq);
      response = { last_seq: recovery.last_seq, messages: recovery.messages, recovered: recovery.recovered };
    } else {
      response = { last_seq: (await store.rooms.findById(this.roomId))?.last_seq ?? room.last_seq };
    }
    return {
      response,
      afterReply: () => {
        buffer.open(response.last_seq);
        ctx.push('presence_state', presence.list(ctx.topic));
        this.phxRef = presence.track(ctx.topic, ctx.userId, { online_at: clock.now(), ...(user ? { name: user.name } : {}) });
      },
    };
  }

  async handleIn(event: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { talk, pubsub, typing } = this.deps;
    const ctx = this.joined();
    const { userId } = ctx;
    switch (event) {
      case 'msg:new': {
        // Membership was checked at join, and revocation closes this channel at once.
        const view = await talk.postChecked(this.joinedRoom(), userId, {
          body: field.string(payload, 'body'),
          client_id: field.optionalString(payload, 'client_id', LIMITS.maxClientIdLength) ?? null,
          reply_to: field.optionalString(payload, 'reply_to', LIMITS.maxIdLength) ?? null,
          mentions: field.optionalStrings(payload, 'mentions', LIMITS.maxMentions) ?? [],
        });
        return { id: view.id, seq: view.seq, at: view.at };
      }
      case 'msg:edit': {
        const id = await this.messageOfRoom(payload);
        const body = field.string(payload, 'body');
        const mentions = field.optionalStrings(payload, 'mentions', LIMITS.maxMentions) ?? [];
        return { ...(await talk.edit(userId, id, body, mentions)) };
      }
      case 'msg:delete':
        return { ...(await talk.delete(userId, await this.messageOfRoom(payload))) };
      case 'read': {
        const view = await talk.markRead(userId, this.roomId, field.count(payload, 'seq'));
        return { last_read_seq: view.last_read_seq, unread: view.unread };
      }
      case 'typing':
        // Past the throttle the event is dropped silently: the client is told ok all the same.
        if (this.buffer && typing.allow(this.roomId, userId)) pubsub.broadcastFrom(this.buffer.subscription, ctx.topic, 'typing', { user_id: userId });
        return {};
      case 'history': {
        const before = field.optionalCount(payload, 'before');
        const after = field.optionalCount(payload, 'after');
        const limit = field.optionalCount(payload, 'limit');
        const messages = await talk.history(userId, this.roomId, {
          ...(before !== undefined ? { before } : {}),
          ...(after !== undefined ? { after } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
        return { messages };
      }
      default:
        throw new AppError('unknown_event', `Room channels take ${EVENTS_IN.join(', ')}; not "${event}".`, { event });
    }
  }

  leave(): void {
    if (this.left) return;
    this.left = true;
    this.buffer?.close();
    if (this.ctx && this.phxRef !== undefined) this.deps.presence.untrack(this.ctx.topic, this.ctx.userId, this.phxRef);
  }

  private joinedRoom(): Room {
    if (!this.room) throw new Error('RoomChannel.handleIn before join');
    return this.room;
  }

  private joined(): ChannelContext {
    if (!this.ctx) throw new Error('RoomChannel.handleIn before join');
    return this.ctx;
  }

  /** The `id` of the payload, when it names a message of THIS room (not one of another room). */
  private async messageOfRoom(payload: Record<string, unknown>): Promise<string> {
    const id = field.optionalString(payload, 'id', LIMITS.maxIdLength);
    if (id === undefined) throw new AppError('invalid_payload', 'id must be a message id.', { field: 'id' });
    const message = await this.deps.store.messages.findById(id);
    if (!message || message.room_id !== this.roomId) throw new AppError('message_not_found');
    return id;
  }
}
