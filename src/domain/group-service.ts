import { randomBytes } from 'node:crypto';
import { LIMITS } from '../config/limits.ts';
import { AppError } from './app-error.ts';
import type { Clock } from './clock.ts';
import type { IdGenerator } from './ids.ts';
import type { Notifier } from './notifier.ts';
import type { Store } from './store.ts';
import { checkName } from './text.ts';
import { topics } from './topics.ts';
import type { Group, GroupWithRole, Invite, MemberView, Membership, Role, Room, Subgroup, SubgroupView } from './types.ts';

/** Slugs become list addresses (`<slug>@<list domain>`), so they follow mailbox rules and
 *  avoid the names mail systems reserve and the prefixes Renraku routes itself. */
export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';
const RESERVED_SLUGS = new Set(['postmaster', 'abuse', 'mailer-daemon', 'hostmaster', 'webmaster', 'root', 'admin', 'bounces', 'reply', 'noreply', 'no-reply', 'renraku']);

/** Who may do what, in one table. */
const PERMISSIONS = {
  invite: ['owner', 'sender'],
  manageMembers: ['owner'],
  manageSubgroups: ['owner'],
  createRoom: ['owner', 'sender'],
  manageSettings: ['owner'],
  /** see every member's email address, whatever the group's setting */
  seeMemberEmails: ['owner', 'sender'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** A member as others see them: the address only for owners and senders, or for everyone
 *  when the group opens it (`member_emails_visible`); null otherwise. */
export type MemberListing = Omit<MemberView, 'email'> & { email: string | null };

/** The settings owners change (PATCH /api/groups/:id). */
export interface GroupSettings {
  member_emails_visible: boolean;
}

/**
 * Groups, memberships, roles, sub-groups, invitations and rooms. Every method takes the acting
 * user and checks their role; a group keeps at least one owner. Removing a member closes their
 * channels of this group on every node at once (Notifier.revokeGroupAccess); a role or sub-group
 * change has that member's channels of the group checked again (Notifier.recheckGroupAccess).
 */
export class GroupService {
  private readonly store: Store;
  private readonly notifier: Notifier;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;

  constructor(deps: { store: Store; notifier: Notifier; clock: Clock; ids: IdGenerator }) {
    this.store = deps.store;
    this.notifier = deps.notifier;
    this.clock = deps.clock;
    this.ids = deps.ids;
  }

  async create(userId: string, input: { name: string; slug: string }): Promise<GroupWithRole> {
    const name = checkName(input.name);
    const slug = input.slug.trim().toLowerCase();
    if (!new RegExp(SLUG_PATTERN).test(slug)) {
      throw new AppError('validation_failed', 'slug must be 1-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen', { field: 'slug' });
    }
    if (RESERVED_SLUGS.has(slug)) throw new AppError('slug_taken', `The slug "${slug}" is reserved.`);
    const now = this.clock.now();
    const group = await this.store.groups.create({ id: this.ids.next(), name, slug, created_by: userId, created_at: now }, now);
    return { ...group, role: 'owner' };
  }

  list(userId: string): Promise<GroupWithRole[]> {
    return this.store.groups.listForUser(userId);
  }

  async get(userId: string, groupId: string): Promise<GroupWithRole & GroupSettings> {
    const { group, membership } = await this.access(userId, groupId);
    return { ...group, role: membership.role, member_emails_visible: await this.store.groups.memberEmailsVisible(groupId) };
  }

  /** Owners change the group's settings; the settings after. */
  async updateSettings(userId: string, groupId: string, patch: Partial<GroupSettings>): Promise<GroupSettings> {
    await this.access(userId, groupId, 'manageSettings');
    if (patch.member_emails_visible !== undefined && !(await this.store.groups.setMemberEmailsVisible(groupId, patch.member_emails_visible))) {
      throw new AppError('group_not_found');
    }
    return { member_emails_visible: await this.store.groups.memberEmailsVisible(groupId) };
  }

  /** The group and the user's membership; group_not_found / not_member otherwise. */
  async access(userId: string, groupId: string, permission?: Permission): Promise<{ group: Group; membership: Membership }> {
    const group = await this.store.groups.findById(groupId);
    if (!group) throw new AppError('group_not_found');
    const membership = await this.store.groups.getMembership(groupId, userId);
    if (!membership) throw new AppError('not_member');
    if (permission && !may(membership.role, permission)) {
      throw new AppError('forbidden', `Only ${PERMISSIONS[permission].join(' or ')} may ${permission.replace(/([A-Z])/g, ' $1').toLowerCase()}.`);
    }
    return { group, membership };
  }

  async members(userId: string, groupId: string): Promise<MemberListing[]> {
    const { membership } = await this.access(userId, groupId);
    const members = await this.store.groups.listMembers(groupId);
    const seesEmails = may(membership.role, 'seeMemberEmails') || (await this.store.groups.memberEmailsVisible(groupId));
    return seesEmails ? members : members.map((m) => ({ ...m, email: null }));
  }

  async setRole(userId: string, groupId: string, targetId: string, role: Role): Promise<Membership> {
    await this.access(userId, groupId, 'manageMembers');
    const target = await this.store.groups.getMembership(groupId, targetId);
    if (!target) throw new AppError('member_not_found');
    if (target.role === 'owner' && role !== 'owner' && (await this.store.groups.countOwners(groupId)) <= 1) {
      throw new AppError('last_owner');
    }
    await this.store.groups.setRole(groupId, targetId, role);
    this.notifier.recheckGroupAccess(targetId, groupId);
    this.notifier.broadcast(topics.group(groupId), 'member:role', { user_id: targetId, role });
    return { ...target, role };
  }

  /** An owner removes someone, or anyone removes themself (leave). */
  async removeMember(userId: string, groupId: string, targetId: string): Promise<void> {
    if (userId !== targetId) await this.access(userId, groupId, 'manageMembers');
    else await this.access(userId, groupId);
    const target = await this.store.groups.getMembership(groupId, targetId);
    if (!target) throw new AppError('member_not_found');
    if (target.role === 'owner' && (await this.store.groups.countOwners(groupId)) <= 1) throw new AppError('last_owner');
    await this.store.groups.removeMember(groupId, targetId);
    this.notifier.revokeGroupAccess(targetId, groupId);
    this.notifier.broadcast(topics.group(groupId), 'member:removed', { user_id: targetId });
  }

  async createInvite(userId: string, groupId: string, opts: { expires_in_ms?: number | null; max_uses?: number | null }): Promise<Invite> {
    await this.access(userId, groupId, 'invite');
    const now = this.clock.now();
    const invite: Invite = {
      code: randomBytes(LIMITS.inviteCodeBytes).toString('base64url'),
      group_id: groupId,
      created_by: userId,
      created_at: now,
      expires_at: opts.expires_in_ms ? now + opts.expires_in_ms : null,
      max_uses: opts.max_uses ?? null,
      uses: 0,
      revoked_at: null,
    };
    return this.store.invites.create(invite);
  }

  async invites(userId: string, groupId: string): Promise<Invite[]> {
    await this.access(userId, groupId, 'invite');
    return this.store.invites.listForGroup(groupId);
  }

  async revokeInvite(userId: string, code: string): Promise<void> {
    const invite = await this.store.invites.find(code);
    if (!invite) throw new AppError('invite_not_found');
    const { membership } = await this.access(userId, invite.group_id, 'invite');
    if (membership.role !== 'owner' && invite.created_by !== userId) throw new AppError('forbidden', 'Only owners may revoke invitations made by others.');
    await this.store.invites.revoke(code, this.clock.now());
  }

  /** What a signed-out or signed-in person sees before accepting. */
  async previewInvite(code: string): Promise<{ group: Pick<Group, 'id' | 'name' | 'slug'>; valid: boolean }> {
    const invite = await this.store.invites.find(code);
    if (!invite) throw new AppError('invite_not_found');
    const group = await this.store.groups.findById(invite.group_id);
    if (!group) throw new AppError('invite_not_found');
    const now = this.clock.now();
    const valid = invite.revoked_at === null && (invite.expires_at === null || invite.expires_at > now) && (invite.max_uses === null || invite.uses < invite.max_uses);
    return { group: { id: group.id, name: group.name, slug: group.slug }, valid };
  }

  async acceptInvite(userId: string, code: string): Promise<GroupWithRole> {
    const invite = await this.store.invites.find(code);
    if (!invite) throw new AppError('invite_not_found');
    const existing = await this.store.groups.getMembership(invite.group_id, userId);
    if (existing) throw new AppError('already_member');
    const now = this.clock.now();
    const result = await this.store.invites.consume(code, now);
    if (!result.ok) throw new AppError(result.reason);
    const added = await this.store.groups.addMember({ group_id: invite.group_id, user_id: userId, role: 'member', joined_at: now });
    if (!added) throw new AppError('already_member');
    const group = await this.store.groups.findById(invite.group_id);
    if (!group) throw new AppError('group_not_found');
    this.notifier.broadcast(topics.group(group.id), 'member:joined', { user_id: userId, role: 'member' });
    this.notifier.broadcast(topics.user(userId), 'group:joined', { group_id: group.id });
    return { ...group, role: 'member' };
  }

  async createSubgroup(userId: string, groupId: string, name: string): Promise<Subgroup> {
    await this.access(userId, groupId, 'manageSubgroups');
    return this.store.groups.createSubgroup({ id: this.ids.next(), group_id: groupId, name: checkName(name), created_at: this.clock.now() });
  }

  async subgroups(userId: string, groupId: string): Promise<SubgroupView[]> {
    await this.access(userId, groupId);
    return this.store.groups.listSubgroups(groupId);
  }

  async putSubgroupMember(userId: string, subgroupId: string, targetId: string, leader: boolean): Promise<void> {
    const subgroup = await this.subgroup(subgroupId);
    await this.access(userId, subgroup.group_id, 'manageSubgroups');
    if (!(await this.store.groups.getMembership(subgroup.group_id, targetId))) throw new AppError('member_not_found');
    await this.store.groups.putSubgroupMember(subgroupId, targetId, leader);
    this.notifier.recheckGroupAccess(targetId, subgroup.group_id);
  }

  async removeSubgroupMember(userId: string, subgroupId: string, targetId: string): Promise<void> {
    const subgroup = await this.subgroup(subgroupId);
    await this.access(userId, subgroup.group_id, 'manageSubgroups');
    if (!(await this.store.groups.removeSubgroupMember(subgroupId, targetId))) throw new AppError('member_not_found');
    this.notifier.recheckGroupAccess(targetId, subgroup.group_id);
  }

  async deleteSubgroup(userId: string, subgroupId: string): Promise<void> {
    const subgroup = await this.subgroup(subgroupId);
    await this.access(userId, subgroup.group_id, 'manageSubgroups');
    await this.store.groups.deleteSubgroup(subgroupId);
  }

  async createRoom(userId: string, groupId: string, name: string): Promise<Room> {
    await this.access(userId, groupId, 'createRoom');
    const room = await this.store.rooms.create({ id: this.ids.next(), group_id: groupId, name: checkName(name), created_by: userId, created_at: this.clock.now(), last_seq: 0 });
    this.notifier.broadcast(topics.group(groupId), 'room:created', { room });
    return room;
  }

  async rooms(userId: string, groupId: string): Promise<Room[]> {
    await this.access(userId, groupId);
    return this.store.rooms.listForGroup(groupId);
  }

  private async subgroup(id: string): Promise<Subgroup> {
    const subgroup = await this.store.groups.findSubgroup(id);
    if (!subgroup) throw new AppError('subgroup_not_found');
    return subgroup;
  }
}

function may(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
