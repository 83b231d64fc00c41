import { AppError } from '../domain/app-error.ts';
import type { TalkService } from '../domain/talk-service.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { Channel, ChannelContext, JoinResult } from './channel.ts';
import { topicId } from './channel-router.ts';
import { JoinBuffer } from './join-buffer.ts';

/**
 * `user:<id>`: one's own counts and notices (`unread`, `group:joined`, `group:removed`). Only
 * your own id may be joined (else `forbidden`); the reply is `{rooms}`, the unread state of
 * every room, read after subscribing so no `unread` update is lost.
 */
export class UserChannel implements Channel {
  private readonly deps: { talk: TalkService; pubsub: PubSub };
  private buffer: JoinBuffer | undefined;
  readonly groupId = undefined;

  constructor(deps: { talk: TalkService; pubsub: PubSub }) {
    this.deps = deps;
  }

  async join(ctx: ChannelContext, _params: Record<string, unknown>): Promise<JoinResult> {
    if (topicId(ctx.topic) !== ctx.userId) throw new AppError('forbidden', 'You may join only your own user: topic.');
    const buffer = (this.buffer = new JoinBuffer(this.deps.pubsub, ctx));
    await buffer.ready;
    const rooms = await this.deps.talk.unread(ctx.userId);
    return { response: { rooms }, afterReply: () => buffer.open() };
  }

  async handleIn(event: string): Promise<Record<string, unknown>> {
    throw new AppError('unknown_event', `User channels take no events; not "${event}".`, { event });
  }

  leave(): void {
    this.buffer?.close();
  }
}
