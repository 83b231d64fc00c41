import { AppError } from '../domain/app-error.ts';
import type { TalkService } from '../domain/talk-service.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { Channel, ChannelContext, JoinResult } from './channel.ts';
import { topicId } from './channel-router.ts';
import { JoinBuffer } from './join-buffer.ts';

/** Unread announcements per group of a user (the announcement module's count). */
export type UnreadAnnouncements = (userId: string) => Promise<{ group_id: string; count: number }[]>;

/**
 * `user:<id>`: one's own counts and notices (`unread`, `group:joined`, `group:removed`,
 * `announcement:new`, `announcements:unread`, `announcement:reminder`). Only your own id may be
 * joined (else `forbidden`); the reply is `{rooms, announcements}`, the unread state of every
 * room and the unread announcements per group, read after subscribing so no update is lost.
 */
export class UserChannel implements Channel {
  private readonly deps: { talk: TalkService; pubsub: PubSub; unreadAnnouncements?: UnreadAnnouncements | undefined };
  private buffer: JoinBuffer | undefined;
  readonly groupId = undefined;

  constructor(deps: { talk: TalkService; pubsub: PubSub; unreadAnnouncements?: UnreadAnnouncements | undefined }) {
    this.deps = deps;
  }

  async join(ctx: ChannelContext, _params: Record<string, unknown>): Promise<JoinResult> {
    if (topicId(ctx.topic) !== ctx.userId) throw new AppError('forbidden', 'You may join only your own user: topic.');
    const buffer = (this.buffer = new JoinBuffer(this.deps.pubsub, ctx));
    await buffer.ready;
    const [rooms, announcements] = await Promise.all([this.deps.talk.unread(ctx.userId), this.deps.unreadAnnouncements?.(ctx.userId) ?? []]);
    return { response: { rooms, announcements }, afterReply: () => buffer.open() };
  }

  async handleIn(event: string): Promise<Record<string, unknown>> {
    throw new AppError('unknown_event', `User channels take no events; not "${event}".`, { event });
  }

  leave(): void {
    this.buffer?.close();
  }
}
