import type { Channel, Socket } from 'phoenix';
import type { ApiClient } from '../api/api-client.ts';
import type { Announcement } from '../announcements/types.ts';
import type { Group, Room, RoomUnread } from '../api/types.ts';
import { CLIENT_LIMITS } from '../limits.ts';
import { Observable } from '../lib/observable.ts';
import { UnreadBook } from './unread-book.ts';

/** Events of `group:<id>` a screen may care about (members and rooms changing). */
export type GroupEvent =
  | { kind: 'room:created'; groupId: string; room: Room }
  | { kind: 'member:joined' | 'member:removed' | 'member:role'; groupId: string; userId: string }
  | { kind: 'announcement:new'; groupId: string; announcement: Announcement }
  | { kind: 'removed'; groupId: string };

interface UnreadAnnouncements {
  group_id: string;
  count: number;
}

/**
 * The signed-in user's live overview: their groups, every room's unread count and each
 * group's unread announcements. Joins `user:<me>` (counts on every (re)join, `unread`,
 * `group:joined`, `group:removed`, `announcement:new`, `announcements:unread`) and
 * `group:<id>` for each group (`room:activity`, `room:created`, member changes), up to
 * CLIENT_LIMITS.maxGroupChannels.
 */
export class UserFeed {
  readonly groups = new Observable<readonly Group[] | undefined>(undefined);
  /** Why the groups could not be loaded (an error code), while that is so. */
  readonly groupsError = new Observable<string | undefined>(undefined);
  readonly unread = new UnreadBook();
  /** Unread announcements per group (the server's count). */
  readonly announcementsUnread = new Observable<ReadonlyMap<string, number>>(new Map());
  private readonly socket: Socket;
  private readonly api: ApiClient;
  private readonly userId: string;
  private readonly groupChannels = new Map<string, Channel>();
  private readonly listeners = new Set<(event: GroupEvent) => void>();
  private userChannel: Channel | undefined;

  constructor(deps: { socket: Socket; api: ApiClient; userId: string }) {
    this.socket = deps.socket;
    this.api = deps.api;
    this.userId = deps.userId;
  }

  start(): void {
    const channel = (this.userChannel = this.socket.channel(`user:${this.userId}`, {}));
    channel.on('unread', (view: RoomUnread) => this.unread.apply(view));
    channel.on('group:joined', () => void this.loadGroups());
    channel.on('group:removed', ({ group_id }: { group_id: string }) => this.dropGroup(group_id));
    channel.on('announcements:unread', (u: UnreadAnnouncements) => this.setAnnouncementsUnread([u], false));
    channel.on('announcement:new', ({ announcement }: { announcement: Announcement }) => {
      this.emit({ kind: 'announcement:new', groupId: announcement.group_id, announcement });
    });
    channel.join().receive('ok', ({ rooms, announcements }: { rooms: RoomUnread[]; announcements?: UnreadAnnouncements[] }) => {
      this.unread.replaceAll(rooms);
      this.setAnnouncementsUnread(announcements ?? [], true);
    });
    void this.loadGroups();
  }

  stop(): void {
    this.userChannel?.leave();
    for (const channel of this.groupChannels.values()) channel.leave();
    this.groupChannels.clear();
  }

  /** Subscribes to group events; returns the unsubscribe function. */
  onGroupEvent(listener: (event: GroupEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async loadGroups(): Promise<void> {
    try {
      const { groups } = await this.api.groups();
      this.groups.set(groups);
      this.follow(groups);
      this.groupsError.set(undefined);
    } catch (error) {
      // Shown by the groups screen (with a retry); loaded again when the socket reconnects.
      this.groupsError.set((error as { code?: string }).code ?? 'internal');
    }
  }

  /** A group just created or joined here, shown at once. */
  addGroup(group: Group): void {
    const held = this.groups.get() ?? [];
    if (!held.some((g) => g.id === group.id)) this.groups.set([...held, group]);
    this.follow(this.groups.get() ?? []);
  }

  dropGroup(groupId: string): void {
    this.groups.set(this.groups.get()?.filter((g) => g.id !== groupId));
    this.groupChannels.get(groupId)?.leave();
    this.groupChannels.delete(groupId);
    this.unread.forgetGroup(groupId);
    this.emit({ kind: 'removed', groupId });
  }

  private setAnnouncementsUnread(counts: readonly UnreadAnnouncements[], all: boolean): void {
    const next = new Map(all ? [] : this.announcementsUnread.get());
    for (const { group_id, count } of counts) next.set(group_id, count);
    this.announcementsUnread.set(next);
  }

  private follow(groups: readonly Group[]): void {
    for (const group of groups.slice(0, CLIENT_LIMITS.maxGroupChannels)) {
      if (this.groupChannels.has(group.id)) continue;
      const groupId = group.id;
      const channel = this.socket.channel(`group:${groupId}`, {});
      channel.on('room:activity', ({ room_id, last_seq }: { room_id: string; last_seq: number }) => this.unread.activity(groupId, room_id, last_seq));
      channel.on('room:created', ({ room }: { room: Room }) => {
        this.unread.activity(groupId, room.id, room.last_seq);
        this.emit({ kind: 'room:created', groupId, room });
      });
      for (const kind of ['member:joined', 'member:removed', 'member:role'] as const) {
        channel.on(kind, ({ user_id }: { user_id: string }) => this.emit({ kind, groupId, userId: user_id }));
      }
      channel.join();
      this.groupChannels.set(groupId, channel);
    }
  }

  private emit(event: GroupEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
