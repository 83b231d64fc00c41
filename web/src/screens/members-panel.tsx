import { useEffect, useState } from 'preact/hooks';
import type { Group, Member, Role } from '../api/types.ts';
import { useApp, useSession, useT } from '../app-context.ts';
import { navigate } from '../routing/use-route.ts';
import { ErrorText } from '../ui/field.tsx';
import { Lazy } from '../ui/lazy.tsx';
import { useAction } from '../ui/use-action.ts';

const ROLES: readonly Role[] = ['owner', 'sender', 'member'];

/** Members and roles: representatives change roles and remove members; anyone may leave.
 *  Sub-groups load below on first use. */
export function MembersPanel({ group }: { group: Group }) {
  const { t, error: errorText } = useT();
  const { api } = useApp();
  const session = useSession();
  const [members, setMembers] = useState<Member[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  const action = useAction();
  const me = session.user.id;
  const owner = group.role === 'owner';

  const load = () => api.members(group.id).then(({ members: m }) => setMembers(m), (e: { code?: string }) => setLoadError(errorText(e.code ?? 'internal')));
  useEffect(() => {
    void load();
    return session.feed.onGroupEvent((event) => {
      if (event.groupId === group.id && event.kind.startsWith('member:')) void load();
    });
  }, [group.id]);

  const setRole = (userId: string, role: Role) => {
    // Shown at once (a select must not spring back while the request runs); a refusal reloads.
    setMembers((held) => held?.map((m) => (m.user_id === userId ? { ...m, role } : m)));
    return action.run(async () => {
      try {
        await api.setRole(group.id, userId, role);
      } finally {
        await load();
      }
    });
  };
  const remove = (userId: string) => action.run(async () => {
    await api.removeMember(group.id, userId);
    setConfirming(undefined);
    if (userId === me) {
      session.feed.dropGroup(group.id);
      navigate({ name: 'home' }, true);
    } else await load();
  });

  return (
    <>
      {loadError && <p class="error" role="alert">{loadError}</p>}
      {members === undefined && !loadError && <p class="muted">{t('common.loading')}</p>}
      <ErrorText text={action.error} />
      {members && (
        <>
          <p class="muted">{t('members.count', { n: members.length })}</p>
          <ul class="list" aria-label={t('group.members')}>
            {members.map((m) => (
              <li key={m.user_id} class="member">
                <span class="list-title">{m.name} {m.user_id === me && <span class="muted">{t('members.you')}</span>}</span>
                {owner && m.user_id !== me ? (
                  <>
                    <label class="member-role">
                      <span class="visually-hidden">{t('members.roleOf', { name: m.name })}</span>
                      <select value={m.role} disabled={action.busy} onChange={(e) => void setRole(m.user_id, e.currentTarget.value as Role)}>
                        {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
                      </select>
                    </label>
                    {confirming !== m.user_id && (
                      <button class="button small" type="button" onClick={() => setConfirming(m.user_id)}>{t('members.remove')}</button>
                    )}
                  </>
                ) : <span class="list-sub">{t(`role.${m.role}`)}</span>}
                {owner && confirming === m.user_id && (
                  <div class="confirm" role="group" aria-label={t('members.removeConfirm', { name: m.name })}>
                    <p>{t('members.removeConfirm', { name: m.name })}</p>
                    <div class="row">
                      <button class="button" type="button" onClick={() => setConfirming(undefined)}>{t('common.cancel')}</button>
                      <button class="button danger" type="button" disabled={action.busy} onClick={() => void remove(m.user_id)}>{t('members.remove')}</button>
                    </div>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {members && (
        <Lazy load={() => import('./subgroups-panel.tsx').then((m) => m.SubgroupsPanel)} props={{ group, members }} />
      )}
      {confirming === me ? (
        <div class="confirm card" role="group" aria-label={t('group.leave')}>
          <p>{t('group.leaveConfirm', { group: group.name })}</p>
          <div class="row">
            <button class="button" type="button" onClick={() => setConfirming(undefined)}>{t('common.cancel')}</button>
            <button class="button danger" type="button" disabled={action.busy} onClick={() => void remove(me)}>{t('group.leave')}</button>
          </div>
        </div>
      ) : (
        <button class="button danger-outline" type="button" onClick={() => setConfirming(me)}>{t('group.leave')}</button>
      )}
    </>
  );
}
