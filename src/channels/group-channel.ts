import { AppError } from '../domain/app-error.ts';
import type { Store } from '../domain/store.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { Channel, ChannelContext, JoinResult } from './channel.ts';
import { topicId } from './channel-router.ts';
import { JoinBuffer } from './join-buffer.ts';

/**
 * `group:<id>`: a member's view of one group (room activity, membership changes, later
 * announcements). Join needs membership → reply `{role}`. Takes no client events yet.
 */
export class GroupChannel implements Channel {
  private readonly deps: { store: Store; pubsub: PubSub };
  private buffer: JoinBuffer | undefined;
  groupId: string | undefined;

  constructor(deps: { store: Store; pubsub: PubSub }) {
    this.deps = deps;
  }

  async join(ctx: ChannelContext, _params: Record<string, unknown>): Promise<JoinResult> {
    const groupId = (this.groupId = topicId(ctx.topic));
    const buffer = (this.buffer = new JoinBuffer(this.deps.pubsub, ctx));
    await buffer.ready;
    const membership = await this.deps.store.groups.getMembership(groupId, ctx.userId);
    if (!membership) throw new AppError((await this.deps.store.groups.findById(groupId)) ? 'not_member' : 'group_not_found');
    return { response: { role: membership.role }, afterReply: () => buffer.open() };
  }

  async handleIn(event: string): Promise<Record<string, unknown>> {
    throw new AppError('unknown_event', `Group channels take no events yet; not "${event}".`, { event });
  }

  leave(): void {
    this.buffer?.close();
  }
}
