import { LIMITS } from '../config/limits.ts';
import { AppendBatcher } from './append-batcher.ts';
import { AppError } from './app-error.ts';
import type { Clock } from './clock.ts';
import type { IdGenerator } from './ids.ts';
import { toMessageView, type MessageView } from './message-view.ts';
import type { Notifier } from './notifier.ts';
import type { Store } from './store.ts';
import { checkBody } from './text.ts';
import { topics } from './topics.ts';
import type { Membership, Message, Room } from './types.ts';

export interface PostInput {
  body: string;
  client_id?: string | null;
  reply_to?: string | null;
  mentions?: string[];
}

export interface Recovery {
  messages: MessageView[];
  /** false when more than the bound were missed: the client must page history. */
  recovered: boolean;
  last_seq: number;
}

export interface UnreadView {
  room_id: string;
  group_id: string;
  last_seq: number;
  last_read_seq: number;
  unread: number;
}

/**
 * Talk in rooms: post, edit, delete, history, recovery, read markers. Every method checks that
 * the acting user is a member of the room's group. A post is broadcast only after the store
 * has committed it, so an `ok` reply and a `msg` broadcast both mean "durable".
 */
export class TalkService {
  private readonly store: Store;
  private readonly notifier: Notifier;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly appends: AppendBatcher;
  /** room:activity not yet sent, by room (see noteActivity). */
  private activity = new Map<string, { group_id: string; last_seq: number; author_id: string }>();

  constructor(deps: { store: Store; notifier: Notifier; clock: Clock; ids: IdGenerator }) {
    this.store = deps.store;
    this.notifier = deps.notifier;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.appends = new AppendBatcher(deps.store.messages);
    // A server posts: have the append path ready before the first message comes.
    deps.store.messages.warmUp?.();
  }

  /** The room and the user's membership in its group; room_not_found / not_member otherwise. */
  async access(userId: string, roomId: string): Promise<{ room: Room; membership: Membership }> {
    const room = await this.store.rooms.findById(roomId);
    if (!room) throw new AppError('room_not_found');
    const membership = await this.store.groups.getMembership(room.group_id, userId);
    if (!membership) throw new AppError('not_member');
    return { room, membership };
  }

  async post(userId: string, roomId: string, input: PostInput): Promise<MessageView> {
    checkBody(input.body, LIMITS.maxMessageChars);
    const { room } = await this.access(userId, roomId);
    return this.postChecked(room, userId, input);
  }

  /**
   * Post for a caller that has already established the user's access to `room` and keeps it
   * current (a joined room channel: membership is checked at join and the channel is closed
   * the moment the membership ends). Saves two store reads per message on the hot path.
   */
  async postChecked(room: Room, userId: string, input: PostInput): Promise<MessageView> {
    const body = checkBody(input.body, LIMITS.maxMessageChars);
    const roomId = room.id;
    const replyTo = input.reply_to ?? null;
    if (replyTo !== null) {
      const target = await this.store.messages.findById(replyTo);
      if (!target || target.room_id !== roomId) throw new AppError('reply_to_invalid');
    }
    const mentions = input.mentions && input.mentions.length > 0 ? await this.validMentions(room.group_id, input.mentions) : [];
    const result = await this.appends.append({
      id: this.ids.next(),
      room_id: roomId,
      author_id: userId,
      body,
      reply_to: replyTo,
      mentions,
      client_id: input.client_id ?? null,
      created_at: this.clock.now(),
    });
    const view = toMessageView(result.message);
    if (!result.created) {
      if (result.message.body !== body && result.message.deleted_at === null) throw new AppError('client_id_conflict');
      return view;
    }
    this.notifier.broadcast(topics.room(roomId), 'msg', view as unknown as Record<string, unknown>, { seq: view.seq });
    this.noteActivity(room, view.seq, userId);
    return view;
  }

  /**
   * `room:activity` tells a group's members a room's newest seq (for unread counts), so one
   * per room per turn of the event loop is enough: the appends of one group commit are
   * answered in the same turn, and a batch with many messages for a room sends one, with the
   * highest seq and that message's author.
   */
  private noteActivity(room: Room, seq: number, authorId: string): void {
    const known = this.activity.get(room.id);
    if (known && known.last_seq >= seq) return;
    this.activity.set(room.id, { group_id: room.group_id, last_seq: seq, author_id: authorId });
    if (this.activity.size === 1 && !known) setImmediate(() => this.flushActivity());
  }

  private flushActivity(): void {
    const pending = this.activity;
    this.activity = new Map();
    for (const [roomId, { group_id, last_seq, author_id }] of pending) {
      this.notifier.broadcast(topics.group(group_id), 'room:activity', { room_id: roomId, last_seq, author_id });
    }
  }

  async edit(userId: string, messageId: string, body: string, mentions: string[] = []): Promise<MessageView> {
    checkBody(body, LIMITS.maxMessageChars);
    const { message, room } = await this.authorOrAdmin(userId, messageId);
    if (message.deleted_at !== null) throw new AppError('message_deleted');
    const valid = await this.validMentions(room.group_id, mentions);
    const updated = await this.store.messages.edit(messageId, body, valid, this.clock.now());
    if (!updated) throw new AppError('message_not_found');
    const view = toMessageView(updated);
    this.notifier.broadcast(topics.room(room.id), 'msg:edited', view as unknown as Record<string, unknown>);
    return view;
  }

  async delete(userId: string, messageId: string): Promise<MessageView> {
    const { message, room } = await this.authorOrAdmin(userId, messageId);
    if (message.deleted_at !== null) return toMessageView(message);
    const updated = await this.store.messages.markDeleted(messageId, this.clock.now());
    if (!updated) throw new AppError('message_not_found');
    const view = toMessageView(updated);
    this.notifier.broadcast(topics.room(room.id), 'msg:deleted', { id: view.id, seq: view.seq, room_id: room.id, deleted_at: updated.deleted_at });
    return view;
  }

  /** Ascending by seq. `before`: the newest `limit` messages below that seq; `after`: the
   *  oldest `limit` above it; neither: the newest `limit`. */
  async history(userId: string, roomId: string, opts: { before?: number; after?: number; limit?: number }): Promise<MessageView[]> {
    await this.access(userId, roomId);
    const limit = clampLimit(opts.limit);
    const messages = await this.store.messages.range(roomId, {
      ...(opts.after !== undefined ? { afterSeq: opts.after } : {}),
      ...(opts.before !== undefined ? { beforeSeq: opts.before } : {}),
      limit,
    });
    return messages.map(toMessageView);
  }

  /** What a client that saw everything up to `lastSeq` missed, within the recovery bound.
   *  Access must already be checked (the channel did at join). */
  async recover(room: Room, lastSeq: number): Promise<Recovery> {
    const fresh = await this.store.rooms.findById(room.id);
    const newest = fresh?.last_seq ?? room.last_seq;
    if (lastSeq >= newest) return { messages: [], recovered: true, last_seq: newest };
    if (newest - lastSeq > LIMITS.maxRecoveryMessages) return { messages: [], recovered: false, last_seq: newest };
    const messages = await this.store.messages.range(room.id, { afterSeq: lastSeq, limit: LIMITS.maxRecoveryMessages });
    const last = messages.at(-1)?.seq ?? newest;
    return { messages: messages.map(toMessageView), recovered: true, last_seq: Math.max(last, newest) };
  }

  /** Moves the user's read marker forward; tells the user's other devices and the room. */
  async markRead(userId: string, roomId: string, seq: number): Promise<UnreadView> {
    const { room } = await this.access(userId, roomId);
    const fresh = (await this.store.rooms.findById(roomId)) ?? room;
    const target = Math.min(Math.max(0, Math.floor(seq)), fresh.last_seq);
    const lastRead = await this.store.reads.advance(roomId, userId, target, this.clock.now());
    const view: UnreadView = {
      room_id: roomId,
      group_id: room.group_id,
      last_seq: fresh.last_seq,
      last_read_seq: lastRead,
      unread: Math.max(0, fresh.last_seq - lastRead),
    };
    this.notifier.broadcast(topics.user(userId), 'unread', view as unknown as Record<string, unknown>);
    this.notifier.broadcast(topics.room(roomId), 'read', { user_id: userId, seq: lastRead });
    return view;
  }

  /** Unread counts for every room of every group of the user. */
  async unread(userId: string): Promise<UnreadView[]> {
    const states = await this.store.reads.listForUser(userId);
    return states.map((s) => ({ ...s, unread: Math.max(0, s.last_seq - s.last_read_seq) }));
  }

  private async authorOrAdmin(userId: string, messageId: string): Promise<{ message: Message; room: Room }> {
    const message = await this.store.messages.findById(messageId);
    if (!message) throw new AppError('message_not_found');
    const { room, membership } = await this.access(userId, message.room_id);
    if (message.author_id !== userId && membership.role !== 'owner') throw new AppError('forbidden');
    return { message, room };
  }

  private async validMentions(groupId: string, mentions: string[]): Promise<string[]> {
    const unique = [...new Set(mentions)].slice(0, LIMITS.maxMentions);
    const valid: string[] = [];
    for (const id of unique) {
      if (await this.store.groups.getMembership(groupId, id)) valid.push(id);
    }
    return valid;
  }
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return LIMITS.defaultHistoryLimit;
  return Math.max(1, Math.min(LIMITS.maxHistoryLimit, Math.floor(limit)));
}
