import { AppError } from '../domain/app-error.ts';
import type { GroupService } from '../domain/group-service.ts';
import type { Store } from '../domain/store.ts';
import type { Group, MemberView, Role, SubgroupView } from '../domain/types.ts';
import type { Announcement, Audience, Recipient } from './types.ts';

/** The acting member of a group, as far as announcements care. */
export interface Actor {
  userId: string;
  role: Role;
  group: Group;
}

/** Who may do what with announcements, in one table (sub-group leaders: see checkAudience). */
const MANAGERS: readonly Role[] = ['owner', 'sender'];

/** Owners and senders announce to anyone, see every sent announcement and its status. */
export function isManager(actor: Actor): boolean {
  return MANAGERS.includes(actor.role);
}

/** May see who read and answered (and join `announcement:<id>`): its author, owners, senders. */
export function seesStatus(actor: Actor, announcement: Announcement): boolean {
  return announcement.author_id === actor.userId || isManager(actor);
}

/** May edit or cancel it before it goes out: its author, and owners. */
export function mayEdit(actor: Actor, announcement: Announcement): boolean {
  return announcement.author_id === actor.userId || actor.role === 'owner';
}

/**
 * May see it at all: a sent one its recipients, author, owners and senders; an unsent one its
 * author and owners. Anyone else is told it does not exist.
 */
export function mayView(actor: Actor, announcement: Announcement, mine: Recipient | undefined): boolean {
  if (announcement.status === 'sent') return mine !== undefined || seesStatus(actor, announcement);
  return mayEdit(actor, announcement);
}

/** The sub-groups `userId` leads. */
export function ledSubgroups(subgroups: readonly SubgroupView[], userId: string): SubgroupView[] {
  return subgroups.filter((s) => s.members.some((m) => m.user_id === userId && m.leader));
}

/**
 * Checks an audience against the group: every sub-group and member named exists in it, and
 * somebody besides the author would receive it (recipients_invalid otherwise). A member who is
 * not an owner or sender may announce only as a sub-group leader, to sub-groups they lead or
 * members of those (forbidden otherwise). Pure.
 */
export function checkAudience(actor: Actor, audience: Audience, members: readonly MemberView[], subgroups: readonly SubgroupView[]): void {
  const subgroupIds = new Set(subgroups.map((s) => s.id));
  const memberIds = new Set(members.map((m) => m.user_id));
  const unknownSubgroup = audience.subgroup_ids.find((id) => !subgroupIds.has(id));
  if (unknownSubgroup !== undefined) throw new AppError('recipients_invalid', `No sub-group ${unknownSubgroup} in this group.`, { field: 'recipients.subgroup_ids' });
  const unknownUser = audience.user_ids.find((id) => !memberIds.has(id));
  if (unknownUser !== undefined) throw new AppError('recipients_invalid', `User ${unknownUser} is not a member of this group.`, { field: 'recipients.user_ids' });
  if (!isManager(actor)) {
    const led = ledSubgroups(subgroups, actor.userId);
    if (led.length === 0) throw new AppError('forbidden', 'Only owners, senders and sub-group leaders may send announcements.');
    const ledIds = new Set(led.map((s) => s.id));
    const reachable = new Set(led.flatMap((s) => s.members.map((m) => m.user_id)));
    if (audience.all || audience.subgroup_ids.some((id) => !ledIds.has(id)) || audience.user_ids.some((id) => !reachable.has(id))) {
      throw new AppError('forbidden', `A sub-group leader may announce only to the sub-groups they lead (${led.map((s) => s.name).join(', ')}) and their members.`);
    }
  }
  if (resolveAudience(audience, actor.userId, members, subgroups).length === 0) {
    throw new AppError('recipients_invalid', 'Nobody besides you would receive this announcement.', { field: 'recipients' });
  }
}

/** The user ids an audience reaches now: current members only, the author left out, each once,
 *  in joining order. Pure. */
export function resolveAudience(audience: Audience, authorId: string, members: readonly MemberView[], subgroups: readonly SubgroupView[]): string[] {
  let wanted: Set<string> | undefined;
  if (!audience.all) {
    wanted = new Set(audience.user_ids);
    const named = new Set(audience.subgroup_ids);
    for (const s of subgroups) if (named.has(s.id)) for (const m of s.members) wanted.add(m.user_id);
  }
  return members.map((m) => m.user_id).filter((id) => id !== authorId && (wanted === undefined || wanted.has(id)));
}

/**
 * Loads actors: the group, membership and role of a user (group_not_found / not_member), and
 * the group's members and sub-groups when an audience has to be checked or resolved.
 */
export class AnnouncementAccess {
  private readonly store: Store;
  private readonly groups: GroupService;

  constructor(deps: { store: Store; groups: GroupService }) {
    this.store = deps.store;
    this.groups = deps.groups;
  }

  async actor(userId: string, groupId: string): Promise<Actor> {
    const { group, membership } = await this.groups.access(userId, groupId);
    return { userId, role: membership.role, group };
  }

  /** The group's members and sub-groups, read together. */
  async roster(groupId: string): Promise<{ members: MemberView[]; subgroups: SubgroupView[] }> {
    const [members, subgroups] = await Promise.all([this.store.groups.listMembers(groupId), this.store.groups.listSubgroups(groupId)]);
    return { members, subgroups };
  }

  /** May this actor announce at all (to someone)? Owners and senders, and sub-group leaders. */
  async mayAnnounce(actor: Actor): Promise<boolean> {
    if (isManager(actor)) return true;
    return ledSubgroups(await this.store.groups.listSubgroups(actor.group.id), actor.userId).length > 0;
  }

  /** The announcement, its actor and the actor's own recipient row; announcement_not_found
   *  when it does not exist or the actor may not see it. */
  async load(userId: string, announcementId: string): Promise<{ announcement: Announcement; actor: Actor; mine: Recipient | undefined }> {
    const announcement = await this.store.announcements.findById(announcementId);
    if (!announcement) throw new AppError('announcement_not_found');
    const [actor, mine] = await Promise.all([
      this.actor(userId, announcement.group_id),
      this.store.announcements.findRecipient(announcementId, userId),
    ]);
    if (!mayView(actor, announcement, mine)) throw new AppError('announcement_not_found');
    return { announcement, actor, mine };
  }
}
