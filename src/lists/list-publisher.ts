import { LIMITS } from '../config/limits.ts';
import type { Clock } from '../domain/clock.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { Store } from '../domain/store.ts';
import type { TalkService } from '../domain/talk-service.ts';
import type { Group, Room } from '../domain/types.ts';
import type { MailEnqueuer } from '../mail/outgoing-mail.ts';
import { listAddress, listId } from './list-address.ts';
import { renderListPost, type ListMailContext } from './list-mail.ts';
import type { UnsubscribeLinks } from './unsubscribe-link.ts';
import type { ListPost, ListSettings } from './types.ts';

export interface ListPublisherDeps {
  store: Store;
  talk: TalkService;
  mail: MailEnqueuer;
  ids: IdGenerator;
  clock: Clock;
  unsubscribe: UnsubscribeLinks;
  listDomain: string;
  publicUrl: string;
}

/** The list room's name, in both languages the app speaks. */
const ROOM_NAME = 'メーリングリスト / Mailing list';

/**
 * Publishes a post: as a message in the group's list room (live, through TalkService) and as
 * one outbox row per member who takes every message. Every step is idempotent — the room
 * message carries the client id `list:<post id>` and the mail the key `list:<post id>` — so a
 * re-run after a crash adds nothing that is already there.
 */
export class ListPublisher {
  private readonly deps: ListPublisherDeps;

  constructor(deps: ListPublisherDeps) {
    this.deps = deps;
  }

  /** What the mail of `group`'s list says about the list. */
  context(group: Group, settings: ListSettings): ListMailContext {
    const { listDomain, publicUrl } = this.deps;
    return {
      groupName: group.name,
      slug: group.slug,
      address: listAddress(group.slug, listDomain),
      listId: listId(group.slug, listDomain),
      postingAllowed: settings.mode === 'discussion',
      fromRewrite: settings.from_rewrite,
      archiveUrl: `${publicUrl}/#/g/${group.id}`,
      attachmentUrl: (id) => `${publicUrl}/api/list-attachments/${id}`,
    };
  }

  unsubscribeUrl(groupId: string, userId: string): string {
    return `${this.deps.publicUrl}/l/unsubscribe/${this.deps.unsubscribe.token(groupId, userId)}`;
  }

  /** The group's list room, created on first use (the first writer's room wins in a race). */
  async room(group: Group, settings: ListSettings): Promise<Room> {
    const { store } = this.deps;
    if (settings.room_id !== null) {
      const room = await store.rooms.findById(settings.room_id);
      if (room !== undefined) return room;
    }
    const now = this.deps.clock.now();
    const created = await store.rooms.create({ id: this.deps.ids.next(), group_id: group.id, name: ROOM_NAME, created_by: group.created_by, created_at: now, last_seq: 0 });
    const winner = await store.lists.claimRoom(group.id, created.id, now);
    return winner === created.id ? created : ((await store.rooms.findById(winner)) ?? created);
  }

  /**
   * `author` is who the room message is from: the poster when a member, else the owner who
   * approved it (the message then says who wrote it).
   */
  async publish(post: ListPost, author: string): Promise<void> {
    const { store } = this.deps;
    const group = await store.groups.findById(post.group_id);
    if (group === undefined) return;
    const settings = await store.lists.getSettings(group.id);
    const room = await this.room(group, settings);
    if (post.room_message_id === null) {
      const message = await this.deps.talk.postChecked(room, author, { body: roomBody(post, author), client_id: `list:${post.id}` });
      await store.lists.setRoomMessage(post.id, message.id);
    }
    const attachments = await store.lists.listAttachments([post.id]);
    const list = this.context(group, settings);
    const recipients = (await store.lists.listRecipients(group.id))
      .filter((r) => r.delivery === 'each' && (r.user_id !== post.user_id || r.self_copy));
    for (let i = 0; i < recipients.length; i += LIMITS.announcementMailBatch) {
      const batch = recipients.slice(i, i + LIMITS.announcementMailBatch);
      await this.deps.mail.enqueue(batch.map((r) => renderListPost(post, attachments, list, { user_id: r.user_id, email: r.email }, this.unsubscribeUrl(group.id, r.user_id))));
    }
  }
}

/** The room message: subject, then the text (cut to the room's limit); who wrote it when that is not the author. */
function roomBody(post: ListPost, author: string): string {
  const lines: string[] = [];
  if (post.user_id !== author) lines.push(`✉ ${post.from_name} <${post.from_address}>`);
  lines.push(post.subject.trim() === '' ? '(no subject)' : post.subject.trim(), '', post.text_body.trim());
  const body = lines.join('\n').trim();
  return body.length <= LIMITS.maxMessageChars ? body : `${body.slice(0, LIMITS.maxMessageChars - 1)}…`;
}
