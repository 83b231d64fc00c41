import type { Notifier } from '../../domain/notifier.ts';
import type { Store } from '../../domain/store.ts';
import { topics } from '../../domain/topics.ts';

/** Pushes `event` to every owner of the group on their `user:<id>` topic (payload plus group_id): how the app hears of mail trouble. */
export async function tellOwners(
  deps: { store: Pick<Store, 'groups'>; notifier: Notifier },
  groupId: string,
  event: string,
  payload: Record<string, unknown>,
): Promise<void> {
  const owners = (await deps.store.groups.listMembers(groupId)).filter((m) => m.role === 'owner');
  for (const owner of owners) deps.notifier.broadcast(topics.user(owner.user_id), event, { ...payload, group_id: groupId });
}
