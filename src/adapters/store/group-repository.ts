import type { Kysely } from 'kysely';
import { AppError } from '../../domain/app-error.ts';
import type { GroupRepository } from '../../domain/store.ts';
import type {
  Group, GroupWithRole, MemberView, Membership, Role, Subgroup, SubgroupMember, SubgroupView,
} from '../../domain/types.ts';
import { pick } from './pick.ts';
import type { Database } from './schema.ts';
import { isUniqueViolation, UNIQUE_KEYS } from './unique-violation.ts';

const GROUP_COLUMNS = ['id', 'name', 'slug', 'created_by', 'created_at'] as const;
export const MEMBERSHIP_COLUMNS = ['group_id', 'user_id', 'role', 'joined_at'] as const;
const SUBGROUP_COLUMNS = ['id', 'group_id', 'name', 'created_at'] as const;

/** Groups, their memberships and sub-groups. Lists are oldest first, ties broken by id. */
export class KyselyGroupRepository implements GroupRepository {
  private readonly db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.db = db;
  }

  async create(group: Group, ownerJoinedAt: number): Promise<Group> {
    const row = pick(group, GROUP_COLUMNS);
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('groups').values(row).execute();
        await trx
          .insertInto('memberships')
          .values({ group_id: row.id, user_id: row.created_by, role: 'owner', joined_at: ownerJoinedAt })
          .execute();
      });
    } catch (error) {
      if (isUniqueViolation(error, UNIQUE_KEYS.groupSlug)) throw new AppError('slug_taken');
      throw error;
    }
    return row;
  }

  async findById(id: string): Promise<Group | undefined> {
    return this.db.selectFrom('groups').select(GROUP_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  async findBySlug(slug: string): Promise<Group | undefined> {
    return this.db.selectFrom('groups').select(GROUP_COLUMNS).where('slug', '=', slug).executeTakeFirst();
  }

  async listForUser(userId: string): Promise<GroupWithRole[]> {
    return this.db
      .selectFrom('memberships')
      .innerJoin('groups', 'groups.id', 'memberships.group_id')
      .select(['groups.id', 'groups.name', 'groups.slug', 'groups.created_by', 'groups.created_at', 'memberships.role'])
      .where('memberships.user_id', '=', userId)
      .orderBy('groups.created_at')
      .orderBy('groups.id')
      .execute();
  }

  async getMembership(groupId: string, userId: string): Promise<Membership | undefined> {
    return this.db
      .selectFrom('memberships')
      .select(MEMBERSHIP_COLUMNS)
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  /** In joining order. */
  async listMembers(groupId: string): Promise<MemberView[]> {
    return this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select([
        'memberships.group_id', 'memberships.user_id', 'memberships.role', 'memberships.joined_at',
        'users.name', 'users.email',
      ])
      .where('memberships.group_id', '=', groupId)
      .orderBy('memberships.joined_at')
      .orderBy('memberships.user_id')
      .execute();
  }

  async memberEmailsVisible(groupId: string): Promise<boolean> {
    const row = await this.db.selectFrom('groups').select('member_emails_visible').where('id', '=', groupId).executeTakeFirst();
    return row?.member_emails_visible === 1;
  }

  async setMemberEmailsVisible(groupId: string, visible: boolean): Promise<boolean> {
    const result = await this.db.updateTable('groups').set({ member_emails_visible: visible ? 1 : 0 }).where('id', '=', groupId).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async addMember(membership: Membership): Promise<boolean> {
    const result = await this.db
      .insertInto('memberships')
      .values(pick(membership, MEMBERSHIP_COLUMNS))
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async removeMember(groupId: string, userId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('subgroup_members')
        .where('user_id', '=', userId)
        .where('subgroup_id', 'in', trx.selectFrom('subgroups').select('id').where('group_id', '=', groupId))
        .execute();
      const result = await trx
        .deleteFrom('memberships')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  async setRole(groupId: string, userId: string, role: Role): Promise<boolean> {
    const result = await this.db
      .updateTable('memberships')
      .set({ role })
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async countOwners(groupId: string): Promise<number> {
    const row = await this.db
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('owners'))
      .where('group_id', '=', groupId)
      .where('role', '=', 'owner')
      .executeTakeFirstOrThrow();
    return Number(row.owners);
  }

  async createSubgroup(subgroup: Subgroup): Promise<Subgroup> {
    const row = pick(subgroup, SUBGROUP_COLUMNS);
    await this.db.insertInto('subgroups').values(row).execute();
    return row;
  }

  async findSubgroup(id: string): Promise<Subgroup | undefined> {
    return this.db.selectFrom('subgroups').select(SUBGROUP_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  /** Members of each sub-group ordered by user id. Two queries, whatever the number of sub-groups. */
  async listSubgroups(groupId: string): Promise<SubgroupView[]> {
    const subgroups = await this.db
      .selectFrom('subgroups')
      .select(SUBGROUP_COLUMNS)
      .where('group_id', '=', groupId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const members = await this.db
      .selectFrom('subgroup_members')
      .innerJoin('subgroups', 'subgroups.id', 'subgroup_members.subgroup_id')
      .select(['subgroup_members.subgroup_id', 'subgroup_members.user_id', 'subgroup_members.leader'])
      .where('subgroups.group_id', '=', groupId)
      .orderBy('subgroup_members.subgroup_id')
      .orderBy('subgroup_members.user_id')
      .execute();
    const bySubgroup = new Map<string, SubgroupMember[]>(subgroups.map((s) => [s.id, []]));
    for (const m of members) {
      bySubgroup.get(m.subgroup_id)?.push({ subgroup_id: m.subgroup_id, user_id: m.user_id, leader: m.leader === 1 });
    }
    return subgroups.map((s) => ({ ...s, members: bySubgroup.get(s.id) ?? [] }));
  }

  async putSubgroupMember(subgroupId: string, userId: string, leader: boolean): Promise<void> {
    await this.db
      .insertInto('subgroup_members')
      .values({ subgroup_id: subgroupId, user_id: userId, leader: leader ? 1 : 0 })
      .onConflict((oc) =>
        oc.columns(['subgroup_id', 'user_id']).doUpdateSet((eb) => ({ leader: eb.ref('excluded.leader') })),
      )
      .execute();
  }

  async removeSubgroupMember(subgroupId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('subgroup_members')
      .where('subgroup_id', '=', subgroupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Its members go with it (ON DELETE CASCADE). */
  async deleteSubgroup(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('subgroups').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
