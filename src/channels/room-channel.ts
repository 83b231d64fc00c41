import { LIMITS } from '../config/limits.ts';
import type { ServerMetrics } from '../shared/server-metrics.ts';
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
import type { JoinCache } from './join-cache.ts';
import type { LiveRoomSeqs } from './live-room-seqs.ts';
import { field } from './payload.ts';
import type { SeqGapFiller } from './seq-gap-filler.ts';
import type { SharedReads } from './shared-reads.ts';
import type { TypingThrottle } from './typing-throttle.ts';

export interface RoomChannelDeps {
  talk: TalkService;
  store: Store;
  pubsub: PubSub;
  presence: PresenceTracker;
  typing: TypingThrottle;
  clock: Clock;
  /** Rooms, memberships and names for joins (realtime wires one per node; without it every join reads the store). */
  cache?: JoinCache;
  /** Shares the store reads of joins asking the same at the same moment (realtime wires one per node). */
  reads?: SharedReads;
  /** Reads seq gaps from the store, so `msg` broadcasts reach the client in order with none missing (cluster). */
  gaps?: SeqGapFiller;
  /** Recovery sizes are counted here (operations' metrics). */
  metrics?: ServerMetrics;
  /** The room's `last_seq` from an open channel on this node instead of the store (realtime wires one per node). */
  live?: LiveRoomSeqs;
}

const EVENTS_IN = ['msg:new', 'msg:edit', 'msg:delete', 'read', 'typing', 'history'] as const;

/**
 * `room:<id>`: talk in one room. Join needs membership of the room's group. With join params
 * `{last_seq}` the reply carries `{last_seq, messages, recovered}` from the store; without,
 * `{last_seq}`. No message is lost or duplicated across the join: the topic is subscribed
 * before the store is read, and broadcasts of messages the reply covers are dropped (JoinBuffer).
 * After the reply the client gets `presence_state` and the user is tracked (key = user id); in
 * a crowded room `presence_state {}` and `presence_count` instead (PresenceTracker).
 * Broadcasts: msg, msg:edited, msg:deleted, read, typing, presence_diff (presence_state and
 * presence_count when the room becomes crowded or stops being so).
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
    // The name after access: a storm's membership read brings every member's name with it (JoinCache).
    const room = await this.access(ctx.userId);
    const name = await (this.deps.cache ? this.deps.cache.userName(ctx.userId) : store.users.findById(ctx.userId).then((u) => u?.name));
    this.room = room;
    this.roomId = room.id; // the cached room's string, not a copy per join
    this.groupId = room.group_id;
    const buffer = (this.buffer = new JoinBuffer(pubsub, ctx, this.deps.gaps?.forRoom(this.roomId)));
    await buffer.ready;
    let response: { last_seq: number; messages?: unknown[]; recovered?: boolean };
    // Read after subscribing (JoinBuffer.ready), shared with the joins of this room asking the same now.
    const reads = this.deps.reads;
    const roomId = this.roomId;
    if (lastSeq !== undefined) {
      const recover = () => talk.recover(room, lastSeq);
      const recovery = await (reads ? reads.read(`recover\n${roomId}\n${lastSeq}`, recover) : recover());
      response = { last_seq: recovery.last_seq, messages: recovery.messages, recovered: recovery.recovered };
      this.deps.metrics?.recovered(recovery.messages.length);
    } else {
      const newest = () => store.rooms.findById(roomId).then((fresh) => fresh?.last_seq ?? room.last_seq);
      response = { last_seq: this.deps.live?.seqOf(roomId) ?? await (reads ? reads.read(`last_seq\n${roomId}`, newest) : newest()) };
    }
    return {
      response,
      afterReply: () => {
        buffer.open(response.last_seq);
        this.deps.live?.offer(this.roomId, buffer);
        for (const frame of presence.joinFrames(ctx.topic, ctx.joinRef)) ctx.write(frame);
        const phxRef = (this.phxRef = presence.newRef());
        const onlineAt = clock.now();
        presence.trackMeta(ctx.topic, ctx.userId, name !== undefined ? { online_at: onlineAt, name, phx_ref: phxRef } : { online_at: onlineAt, phx_ref: phxRef });
      },
    };
  }

  /**
   * A plain `msg:new` (no reply_to, no mentions: nothing to read first) reaches the append
   * batcher before handleIn's first await, so its seq follows the socket's frame order even
   * when the session does not wait for the commit. Pushes that read the store first keep the
   * one-at-a-time path, or a later push could overtake them.
   */
  pipelines(event: string, payload: Record<string, unknown>): boolean {
    if (event !== 'msg:new') return false;
    const mentions = payload.mentions;
    return (payload.reply_to === undefined || payload.reply_to === null) && (mentions === undefined || mentions === null || (Array.isArray(mentions) && mentions.length === 0));
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
    if (this.buffer) {
      this.deps.live?.withdraw(this.roomId, this.buffer);
      this.buffer.close();
    }
    if (this.ctx && this.phxRef !== undefined) this.deps.presence.untrack(this.ctx.topic, this.ctx.userId, this.phxRef);
  }

  /** The room, when the user may join it: as TalkService.access, through the JoinCache when there is one. */
  private async access(userId: string): Promise<Room> {
    const cache = this.deps.cache;
    if (!cache) return (await this.deps.talk.access(userId, this.roomId)).room;
    const room = await cache.room(this.roomId);
    if (!room) throw new AppError('room_not_found');
    if (!(await cache.isMember(room.group_id, userId))) throw new AppError('not_member');
    return room;
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
