import { AppError } from '../../domain/app-error.ts';
import type { GroupService } from '../../domain/group-service.ts';
import type { Store } from '../../domain/store.ts';
import type { BounceScores } from './bounce-score.ts';
import type { BounceStanding } from './feedback-repository.ts';

export interface MemberStanding extends BounceStanding {
  name: string;
  email: string;
}

export interface BounceStandingDeps {
  store: Pick<Store, 'groups' | 'feedback'>;
  groups: Pick<GroupService, 'access'>;
  scores: Pick<BounceScores, 'policy' | 'unpause'>;
}

/** The bounce standing of a group's members, for its owners (`manageMembers`), and their unpausing. */
export class BounceStandings {
  private readonly deps: BounceStandingDeps;

  constructor(deps: BounceStandingDeps) {
    this.deps = deps;
  }

  /** Members whose mail bounced (a score above 0) or is paused, with the pause threshold. */
  async list(userId: string, groupId: string): Promise<{ threshold: number; members: MemberStanding[] }> {
    const { store, groups, scores } = this.deps;
    await groups.access(userId, groupId, 'manageMembers');
    const members = await store.groups.listMembers(groupId);
    const byId = new Map(members.map((m) => [m.user_id, m]));
    const standings = (await store.feedback.standings(members.map((m) => m.user_id))).filter((s) => s.score > 0 || s.paused_at !== null);
    return {
      threshold: scores.policy.threshold,
      members: standings.map((s) => ({ ...s, name: byId.get(s.user_id)?.name ?? '', email: byId.get(s.user_id)?.email ?? '' })),
    };
  }

  /** Mail to the member flows again, score back to 0; false when there was nothing to undo. */
  async unpause(userId: string, groupId: string, memberId: string): Promise<boolean> {
    await this.deps.groups.access(userId, groupId, 'manageMembers');
    if (!(await this.deps.store.groups.getMembership(groupId, memberId))) throw new AppError('member_not_found');
    return this.deps.scores.unpause(memberId);
  }
}
