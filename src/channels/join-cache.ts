import { LIMITS } from '../config/limits.ts';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../domain/store.ts';
import type { Room } from '../domain/types.ts';

/**
 * What a room join reads that rarely changes — the room (id and group), whether the user is a
 * member of its group, the user's display name — kept for LIMITS.joinCacheTtlMs so a join
 * storm (a reconnect wave, a whole school opening the app) costs one store read per room, group
 * member and user, not three per join.
 *
 * Only what is safe to be stale is kept: rooms are never deleted or moved between groups;
 * membership is cached only when present, so a new member can join at once; a member removed on
 * any node reaches every node as a revocation (PubSub.onRevoke), which drops the entry here at
 * once (`revoke`), and a read that was in flight across a revocation is not kept. After a bus
 * outage (revocations may have been lost) every membership is dropped (`clear`). A display
 * name changed meanwhile shows in presence within the TTL. The whole cache starts again every
 * TTL (no timestamp per entry); past LIMITS.joinCacheMaxEntries nothing more is kept until then.
 */
export class JoinCache {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly rooms = new Map<string, Room>();
  /** Members per group: the user id strings are those the sessions hold already. */
  private readonly members = new Map<string, Set<string>>();
  private readonly names = new Map<string, string | undefined>();
  private entries = 0;
  /** Membership misses per group this TTL, and the whole-group reads made (see `isMember`). */
  private readonly misses = new Map<string, number>();
  private readonly groupLoads = new Map<string, Promise<void>>();
  /** Everything is dropped together once it is LIMITS.joinCacheTtlMs old: no timestamp per entry. */
  private startedAt: number;
  /** Bumped by every revocation and clear: a membership read that spans one is not cached. */
  private epoch = 0;

  constructor(deps: { store: Store; clock: Clock }) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.startedAt = deps.clock.now();
  }

  async room(roomId: string): Promise<Room | undefined> {
    this.expire();
    const hit = this.rooms.get(roomId);
    if (hit) return hit;
    const room = await this.store.rooms.findById(roomId);
    if (room && this.roomForMore()) this.rooms.set(roomId, room);
    return room;
  }

  /**
   * True when `userId` is a member of `groupId` (positive answers only are kept). A group that
   * misses LIMITS.joinCacheGroupLoadAfter times within the TTL (a whole school opening the app,
   * a reconnect wave) has its member list read once — ids and names of every member in one
   * query instead of two per joiner.
   */
  async isMember(groupId: string, userId: string): Promise<boolean> {
    this.expire();
    if (this.members.get(groupId)?.has(userId)) return true;
    const misses = (this.misses.get(groupId) ?? 0) + 1;
    this.misses.set(groupId, misses);
    if (misses >= LIMITS.joinCacheGroupLoadAfter) {
      await this.loadGroup(groupId).catch(() => undefined); // a failed load: ask for this one alone
      if (this.members.get(groupId)?.has(userId)) return true;
    }
    const epoch = this.epoch;
    const membership = await this.store.groups.getMembership(groupId, userId);
    if (!membership) return false;
    if (epoch === this.epoch && this.roomForMore()) {
      let members = this.members.get(groupId);
      if (!members) this.members.set(groupId, (members = new Set()));
      members.add(userId);
    }
    return true;
  }

  async userName(userId: string): Promise<string | undefined> {
    this.expire();
    if (this.names.has(userId)) return this.names.get(userId);
    const name = (await this.store.users.findById(userId))?.name;
    if (this.roomForMore()) this.names.set(userId, name);
    return name;
  }

  /** Every member of `groupId` and their names, once per TTL; dropped if a revocation came meanwhile. */
  private loadGroup(groupId: string): Promise<void> {
    let load = this.groupLoads.get(groupId);
    if (!load) {
      const epoch = this.epoch;
      load = this.store.groups.listMembers(groupId).then((list) => {
        if (epoch !== this.epoch) return;
        let members = this.members.get(groupId);
        if (!members) this.members.set(groupId, (members = new Set()));
        for (const member of list) {
          if (!this.roomForMore()) return;
          members.add(member.user_id);
          this.names.set(member.user_id, member.name);
        }
      });
      this.groupLoads.set(groupId, load);
    }
    return load;
  }

  /** `userId` is no longer a member of `groupId` (from any node). */
  revoke(userId: string, groupId: string): void {
    this.epoch++;
    this.members.get(groupId)?.delete(userId);
  }

  /** Forgets all memberships (after a bus outage in which revocations may have been lost). */
  clear(): void {
    this.epoch++;
    this.members.clear();
  }

  /** Counts one more entry; false (and nothing is kept) past LIMITS.joinCacheMaxEntries. */
  private roomForMore(): boolean {
    return ++this.entries <= LIMITS.joinCacheMaxEntries;
  }

  private expire(): void {
    const now = this.clock.now();
    if (now - this.startedAt < LIMITS.joinCacheTtlMs) return;
    this.startedAt = now;
    this.entries = 0;
    this.epoch++;
    this.rooms.clear();
    this.members.clear();
    this.names.clear();
    this.misses.clear();
    this.groupLoads.clear();
  }
}
