import { useEffect, useState } from 'preact/hooks';
import type { Group, Member, Subgroup } from '../api/types.ts';
import { useApp, useT } from '../app-context.ts';
import { ErrorText, Field } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';

/**
 * Sub-groups (a class's committees, a club's teams): everyone sees them; representatives
 * create and delete them and choose their members and leaders (leaders may announce to them).
 */
export function SubgroupsPanel({ group, members }: { group: Group; members: readonly Member[] }) {
  const { t, error: errorText } = useT();
  const { api } = useApp();
  const [subgroups, setSubgroups] = useState<Subgroup[] | undefined>(undefined);
  const [open, setOpen] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState<string | undefined>(undefined);
  const [name, setName] = useState('');
  const action = useAction();
  const owner = group.role === 'owner';

  const load = () => api.subgroups(group.id).then(({ subgroups: s }) => setSubgroups(s), (e: { code?: string }) => action.setError(errorText(e.code ?? 'internal')));
  useEffect(() => {
    void load();
  }, [group.id]);

  const change = (work: () => Promise<void>) => action.run(async () => {
    await work();
    await load();
  });
  /** Shows a membership change at once (a checkbox must not spring back while the request
   *  runs), then stores it; a refusal shows why and reloads the list as the server has it. */
  const setMembership = (s: Subgroup, userId: string, next: { in: boolean; leader: boolean }) => {
    const members = (s.members ?? []).filter((m) => m.user_id !== userId);
    if (next.in) members.push({ subgroup_id: s.id, user_id: userId, leader: next.leader });
    setSubgroups((held) => held?.map((x) => (x.id === s.id ? { ...x, members } : x)));
    action.setError(undefined);
    (next.in ? api.putSubgroupMember(s.id, userId, next.leader) : api.removeSubgroupMember(s.id, userId)).catch((e: { code?: string }) => {
      action.setError(errorText(e.code ?? 'internal'));
      void load();
    });
  };

  return (
    <section class="stack" aria-label={t('sub.title')}>
      <h2>{t('sub.title')}</h2>
      <ErrorText text={action.error} />
      {subgroups?.length === 0 && <p class="muted">{t('sub.none')}</p>}
      {subgroups && subgroups.length > 0 && (
        <ul class="list">
          {subgroups.map((s) => {
            const inIt = new Map((s.members ?? []).map((m) => [m.user_id, m.leader]));
            return (
              <li key={s.id} class="subgroup">
                <button class="list-item subgroup-toggle" type="button" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? undefined : s.id)}>
                  <span class="list-title">{s.name}</span>
                  <span class="list-sub">{t('sub.count', { n: inIt.size })}</span>
                </button>
                {open === s.id && (
                  <div class="stack subgroup-members" role="group" aria-label={t('sub.members', { name: s.name })}>
                    {members.map((m) => (
                      <div key={m.user_id} class="row subgroup-member">
                        <label class="option">
                          <input type="checkbox" checked={inIt.has(m.user_id)} disabled={!owner} aria-label={t('sub.in', { name: m.name })}
                            onChange={() => setMembership(s, m.user_id, { in: !inIt.has(m.user_id), leader: false })} />
                          <span>{m.name}</span>
                        </label>
                        {inIt.has(m.user_id) && (
                          <label class="option">
                            <input type="checkbox" checked={inIt.get(m.user_id) === true} disabled={!owner} aria-label={t('sub.leaderOf', { name: m.name })}
                              onChange={() => setMembership(s, m.user_id, { in: true, leader: inIt.get(m.user_id) !== true })} />
                            <span>{t('sub.leader')}</span>
                          </label>
                        )}
                      </div>
                    ))}
                    {owner && (confirming === s.id ? (
                      <div class="confirm">
                        <p>{t('sub.deleteConfirm', { name: s.name })}</p>
                        <div class="row">
                          <button class="button" type="button" onClick={() => setConfirming(undefined)}>{t('common.cancel')}</button>
                          <button class="button danger" type="button" disabled={action.busy} onClick={() => void change(() => api.deleteSubgroup(s.id))}>{t('sub.delete')}</button>
                        </div>
                      </div>
                    ) : <button class="button danger-outline" type="button" onClick={() => setConfirming(s.id)}>{t('sub.delete')}</button>)}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {owner && (
        <form class="stack card" aria-label={t('sub.new')} onSubmit={(e) => {
          e.preventDefault();
          void change(async () => {
            await api.createSubgroup(group.id, name.trim());
            setName('');
          });
        }}>
          <Field label={t('sub.name')} value={name} onInput={setName} maxLength={100} name="subgroup-name" />
          <button class="button primary" type="submit" disabled={action.busy}>{t('sub.create')}</button>
        </form>
      )}
    </section>
  );
}
