import type { RoomUnread } from '../api/types.ts';
import { Observable } from '../lib/observable.ts';

export interface RoomCount {
  room_id: string;
  group_id: string;
  last_seq: number;
  last_read_seq: number;
}

/**
 * Unread counts of every room the user can see, from three sources: the `user:<id>` join
 * reply (all rooms, on every (re)join), `unread` events and read replies (one room's marker),
 * and `room:activity` on `group:<id>` (a room's newest seq). Both numbers only move forward,
 * so events arriving in any order give the same counts.
 */
export class UnreadBook {
  readonly rooms = new Observable<ReadonlyMap<string, RoomCount>>(new Map());

  replaceAll(list: readonly RoomUnread[]): void {
    const next = new Map<string, RoomCount>();
    for (const r of list) next.set(r.room_id, this.merge(r, this.rooms.get().get(r.room_id)));
    this.rooms.set(next);
  }

  apply(view: RoomUnread): void {
    this.put(this.merge(view, this.rooms.get().get(view.room_id)));
  }

  activity(groupId: string, roomId: string, lastSeq: number): void {
    const held = this.rooms.get().get(roomId);
    this.put(this.merge({ room_id: roomId, group_id: groupId, last_seq: lastSeq, last_read_seq: 0 }, held));
  }

  forgetGroup(groupId: string): void {
    const next = new Map([...this.rooms.get()].filter(([, r]) => r.group_id !== groupId));
    this.rooms.set(next);
  }

  static unread(r: RoomCount | undefined): number {
    return r ? Math.max(0, r.last_seq - r.last_read_seq) : 0;
  }

  roomUnread(roomId: string): number {
    return UnreadBook.unread(this.rooms.get().get(roomId));
  }

  lastRead(roomId: string): number {
    return this.rooms.get().get(roomId)?.last_read_seq ?? 0;
  }

  groupUnread(groupId: string): number {
    let total = 0;
    for (const r of this.rooms.get().values()) if (r.group_id === groupId) total += UnreadBook.unread(r);
    return total;
  }

  private merge(r: RoomCount, held: RoomCount | undefined): RoomCount {
    return {
      room_id: r.room_id,
      group_id: r.group_id,
      last_seq: Math.max(r.last_seq, held?.last_seq ?? 0),
      last_read_seq: Math.max(r.last_read_seq, held?.last_read_seq ?? 0),
    };
  }

  private put(r: RoomCount): void {
    const held = this.rooms.get().get(r.room_id);
    if (held && held.last_seq === r.last_seq && held.last_read_seq === r.last_read_seq && held.group_id === r.group_id) return;
    const next = new Map(this.rooms.get());
    next.set(r.room_id, r);
    this.rooms.set(next);
  }
}
