import type { ApiClient } from '../api/api-client.ts';
import type { User } from '../api/types.ts';
import type { KeyValueStore } from '../lib/key-value-store.ts';
import { Observable } from '../lib/observable.ts';
import { Realtime } from '../realtime/realtime.ts';
import { UserFeed } from '../realtime/user-feed.ts';
import { Outbox } from '../talk/outbox.ts';
import { RoomSession } from '../talk/room-session.ts';

export interface SessionDeps {
  api: ApiClient;
  user: User;
  storage: KeyValueStore;
  network: Observable<boolean>;
}

/**
 * Everything that lives while someone is signed in: the socket, their groups and unread
 * counts, the outbox (kept on the device per user), and the room open on screen. Messages
 * left in the outbox for rooms not on screen (typed before the page was closed) go out over
 * HTTP with their client_id, once connected.
 */
export class SignedIn {
  /** The account as it was at sign-in: its id never changes. */
  readonly user: User;
  /** The account as it is now (name, language, address and whether it is verified). */
  readonly profile: Observable<User>;
  readonly realtime: Realtime;
  readonly feed: UserFeed;
  readonly outbox: Outbox;
  private readonly deps: SessionDeps;
  private room: RoomSession | undefined;
  private draining = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(deps: SessionDeps) {
    this.deps = deps;
    this.user = deps.user;
    this.profile = new Observable(deps.user);
    this.realtime = new Realtime({ api: deps.api, network: deps.network });
    this.feed = new UserFeed({ socket: this.realtime.socket, api: deps.api, userId: deps.user.id });
    this.outbox = new Outbox(deps.storage, `renraku:outbox:${deps.user.id}`);
  }

  start(): void {
    this.feed.start();
    void this.realtime.start();
    this.cleanups.push(this.realtime.opens.subscribe((n) => {
      if (n > 1) void this.feed.loadGroups();
      void this.drainOtherRooms();
    }));
  }

  stop(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.room?.close();
    this.feed.stop();
    this.realtime.stop();
  }

  /** Opens a room (closing the one before): the caller closes it with `closeRoom`. */
  openRoom(groupId: string, roomId: string): RoomSession {
    this.room?.close();
    const room = (this.room = new RoomSession({
      socket: this.realtime.socket, api: this.deps.api, me: this.user, roomId, groupId,
      outbox: this.outbox, unread: this.feed.unread, network: this.deps.network,
    }));
    room.open();
    return room;
  }

  closeRoom(room: RoomSession): void {
    room.close();
    if (this.room === room) this.room = undefined;
  }

  draftKey(roomId: string): string {
    return `renraku:draft:${this.user.id}:${roomId}`;
  }

  private async drainOtherRooms(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (const item of this.outbox.items.get()) {
        if (item.error !== undefined || item.room_id === this.room?.roomId) continue;
        try {
          await this.deps.api.post(item.room_id, { body: item.body, client_id: item.client_id, reply_to: item.reply_to });
          this.outbox.remove(item.client_id);
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'internal';
          if (code === 'network') return;
          this.outbox.fail(item.client_id, code);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
