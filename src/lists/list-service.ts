import { AppError } from '../domain/app-error.ts';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../domain/store.ts';
import type { Group, Membership } from '../domain/types.ts';
import type { MailDelivery } from '../shared/mail-delivery.ts';
import { isTimeZone } from '../shared/time-zone.ts';
import { listAddress, listId } from './list-address.ts';
import type { ListPublisher } from './list-publisher.ts';
import type { UnsubscribeLinks } from './unsubscribe-link.ts';
import type { ListAttachment, ListMode, ListPost, ListSettings } from './types.ts';

export interface ListView extends ListSettings {
  address: string;
  list_id: string;
}

export interface ListPostView extends ListPost {
  attachments: ListAttachment[];
}

export interface MyListSettings {
  delivery: MailDelivery;
  self_copy: boolean;
}

/**
 * The mailing list's use cases for people: settings (owners change them; members read them),
 * each member's delivery choice, the moderation queue (owners), one-click unsubscribe.
 */
export class ListService {
  private readonly deps: { store: Store; clock: Clock; publisher: ListPublisher; unsubscribe: UnsubscribeLinks; listDomain: string };

  constructor(deps: { store: Store; clock: Clock; publisher: ListPublisher; unsubscribe: UnsubscribeLinks; listDomain: string }) {
    this.deps = deps;
  }

  async settings(userId: string, groupId: string): Promise<ListView> {
    const { group } = await this.member(userId, groupId);
    return this.view(group, await this.deps.store.lists.getSettings(groupId));
  }

  async updateSettings(userId: string, groupId: string, patch: { mode?: ListMode; from_rewrite?: boolean; time_zone?: string }): Promise<ListView> {
    const { group } = await this.owner(userId, groupId);
    if (patch.time_zone !== undefined && !isTimeZone(patch.time_zone)) throw new AppError('time_zone_invalid', undefined, { field: 'time_zone' });
    return this.view(group, await this.deps.store.lists.putSettings(groupId, patch, this.deps.clock.now()));
  }

  async mine(userId: string, groupId: string): Promise<MyListSettings> {
    await this.member(userId, groupId);
    const { lists } = this.deps.store;
    return { delivery: (await lists.getDelivery(groupId, userId)) ?? 'each', self_copy: await lists.getSelfCopy(groupId, userId) };
  }

  async updateMine(userId: string, groupId: string, patch: Partial<MyListSettings>): Promise<MyListSettings> {
    await this.member(userId, groupId);
    const { lists } = this.deps.store;
    if (patch.delivery !== undefined) await lists.setDelivery(groupId, userId, patch.delivery);
    if (patch.self_copy !== undefined) await lists.setSelfCopy(groupId, userId, patch.self_copy);
    return this.mine(userId, groupId);
  }

  /** Held posts, newest first (owners). */
  async queue(userId: string, groupId: string, opts: { before?: string; limit: number }): Promise<ListPostView[]> {
    await this.owner(userId, groupId);
    return this.withAttachments(await this.deps.store.lists.listPosts(groupId, 'held', opts));
  }

  /**
   * Publishes a held post (owners). Approving again a post whose earlier approval was cut
   * short by a crash (no room message yet) completes it; otherwise a decided post is a 409.
   */
  async approve(userId: string, postId: string): Promise<ListPostView> {
    const post = await this.heldPostOf(userId, postId);
    const decided = await this.deps.store.lists.decide(post.id, 'published', userId, this.deps.clock.now());
    const now = (await this.deps.store.lists.findPost(post.id))!;
    const unfinished = now.status === 'published' && now.decided_by !== null && now.room_message_id === null;
    if (!decided && !unfinished) throw new AppError('list_post_decided');
    const member = now.user_id !== null && (await this.deps.store.groups.getMembership(now.group_id, now.user_id)) !== undefined;
    await this.deps.publisher.publish(now, member ? now.user_id! : (now.decided_by ?? userId));
    return (await this.withAttachments([(await this.deps.store.lists.findPost(post.id))!]))[0]!;
  }

  async reject(userId: string, postId: string): Promise<ListPostView> {
    const post = await this.heldPostOf(userId, postId);
    if (!(await this.deps.store.lists.decide(post.id, 'rejected', userId, this.deps.clock.now()))) throw new AppError('list_post_decided');
    return (await this.withAttachments([(await this.deps.store.lists.findPost(post.id))!]))[0]!;
  }

  /** A list attachment and its post's group, for a member of that group. */
  async attachment(userId: string, attachmentId: string): Promise<ListAttachment> {
    const attachment = await this.deps.store.lists.findAttachment(attachmentId);
    const post = attachment && (await this.deps.store.lists.findPost(attachment.post_id));
    const membership = post && (await this.deps.store.groups.getMembership(post.group_id, userId));
    const visible = post !== undefined && (post.status === 'published' || membership?.role === 'owner');
    if (attachment === undefined || membership === undefined || !visible) throw new AppError('list_attachment_not_found');
    return attachment;
  }

  /** Who a genuine unsubscribe token names (for the confirmation page); unsubscribe_link_invalid otherwise. */
  async unsubscribeTarget(token: string): Promise<{ group: Group; email: string; delivery: MailDelivery | undefined }> {
    const target = this.deps.unsubscribe.verify(token);
    const group = target && (await this.deps.store.groups.findById(target.groupId));
    const user = target && (await this.deps.store.users.findById(target.userId));
    if (target === undefined || group === undefined || user === undefined) throw new AppError('unsubscribe_link_invalid');
    return { group, email: user.email, delivery: await this.deps.store.lists.getDelivery(group.id, user.id) };
  }

  /** RFC 8058 one-click: stops all list mail to that member (delivery none); idempotent. */
  async unsubscribe(token: string): Promise<{ group: Group }> {
    const target = this.deps.unsubscribe.verify(token);
    if (target === undefined) throw new AppError('unsubscribe_link_invalid');
    const { group } = await this.unsubscribeTarget(token);
    await this.deps.store.lists.setDelivery(target.groupId, target.userId, 'none');
    return { group };
  }

  private view(group: Group, settings: ListSettings): ListView {
    return { ...settings, address: listAddress(group.slug, this.deps.listDomain), list_id: listId(group.slug, this.deps.listDomain) };
  }

  private async withAttachments(posts: ListPost[]): Promise<ListPostView[]> {
    const attachments = await this.deps.store.lists.listAttachments(posts.map((p) => p.id));
    return posts.map((p) => ({ ...p, attachments: attachments.filter((a) => a.post_id === p.id) }));
  }

  private async heldPostOf(userId: string, postId: string): Promise<ListPost> {
    const post = await this.deps.store.lists.findPost(postId);
    const membership = post && (await this.deps.store.groups.getMembership(post.group_id, userId));
    if (post === undefined || post.status === 'dropped' || membership === undefined) throw new AppError('list_post_not_found');
    if (membership.role !== 'owner') throw new AppError('forbidden');
    return post;
  }

  private async member(userId: string, groupId: string): Promise<{ group: Group; membership: Membership }> {
    const group = await this.deps.store.groups.findById(groupId);
    if (group === undefined) throw new AppError('group_not_found');
    const membership = await this.deps.store.groups.getMembership(groupId, userId);
    if (membership === undefined) throw new AppError('not_member');
    return { group, membership };
  }

  private async owner(userId: string, groupId: string): Promise<{ group: Group; membership: Membership }> {
    const access = await this.member(userId, groupId);
    if (access.membership.role !== 'owner') throw new AppError('forbidden');
    return access;
  }
}
