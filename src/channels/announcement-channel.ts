import type { AnnouncementService } from '../announcements/announcement-service.ts';
import { AppError } from '../domain/app-error.ts';
import type { PubSub } from '../pubsub/pubsub.ts';
import type { Channel, ChannelContext, JoinResult } from './channel.ts';
import type { ChannelRoute } from './channel-router.ts';
import { topicId } from './channel-router.ts';
import { JoinBuffer } from './join-buffer.ts';

/**
 * `announcement:<id>`: the live status of one announcement, for those who may see who read
 * and answered (its author, the group's owners and senders; others are refused `forbidden`).
 * A topic of its own rather than `group:<id>`, because every member joins the group topic and
 * one answer must not reach the other members. The reply is the summary
 * `{announcement_id, tally, recipient_count, read_count, answered_count}`, read after
 * subscribing, so no `announcement:status` broadcast between the two is lost; then each read
 * or answer arrives as `announcement:status {announcement_id, user_id, read_at, answer,
 * answered_at, tally, recipient_count, read_count, answered_count}`. Takes no client events.
 */
export class AnnouncementChannel implements Channel {
  private readonly deps: { announcements: AnnouncementService; pubsub: PubSub };
  private buffer: JoinBuffer | undefined;
  private ctx: ChannelContext | undefined;
  groupId: string | undefined;

  constructor(deps: { announcements: AnnouncementService; pubsub: PubSub }) {
    this.deps = deps;
  }

  async join(ctx: ChannelContext, _params: Record<string, unknown>): Promise<JoinResult> {
    this.ctx = ctx;
    const buffer = (this.buffer = new JoinBuffer(this.deps.pubsub, ctx));
    await buffer.ready;
    const { group_id, summary } = await this.deps.announcements.statusSummary(ctx.userId, topicId(ctx.topic));
    this.groupId = group_id;
    return { response: { ...summary }, afterReply: () => buffer.open() };
  }

  /**
   * The author, owners and senders only: a sender demoted no longer sees the answers. A refusal
   * (AppError) is false; anything else (the store unreachable) is thrown on, so the channel is
   * errored and rejoined rather than kept or closed on a guess.
   */
  async stillAllowed(): Promise<boolean> {
    if (!this.ctx) return false;
    try {
      await this.deps.announcements.statusSummary(this.ctx.userId, topicId(this.ctx.topic));
      return true;
    } catch (err) {
      if (err instanceof AppError) return false;
      throw err;
    }
  }

  async handleIn(event: string): Promise<Record<string, unknown>> {
    throw new AppError('unknown_event', `Announcement channels take no events; not "${event}".`, { event });
  }

  leave(): void {
    this.buffer?.close();
  }
}

/** The router entry for `announcement:` topics. */
export function announcementChannelRoute(deps: { announcements: AnnouncementService; pubsub: PubSub }): ChannelRoute {
  return { prefix: 'announcement:', create: () => new AnnouncementChannel(deps) };
}
