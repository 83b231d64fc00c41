import { useEffect, useId, useState } from 'preact/hooks';
import type { JoinRequest } from './types.ts';
import { formatTime, useListAction, useListsApi, useListT } from './use-lists.ts';

/**
 * Representatives: people who mailed `<slug>+join@…` and confirmed the link wait here
 * (`pending`) unless the group lets them join directly, which is switched here too.
 */
export function JoinRequestsSection({ groupId }: { groupId: string }) {
  const { t, lang } = useListT();
  const api = useListsApi();
  const action = useListAction();
  const [requests, setRequests] = useState<JoinRequest[] | undefined>(undefined);
  const [direct, setDirect] = useState<boolean | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const id = useId();

  useEffect(() => {
    void action.run(async () => {
      const [{ requests: pending }, policy] = await Promise.all([api.joinRequests(groupId, 'pending'), api.joinPolicy(groupId)]);
      setRequests(pending);
      setDirect(policy.joins_directly);
    });
  }, [groupId]);

  const decide = (request: JoinRequest, approve: boolean) => action.run(async () => {
    setDone(undefined);
    try {
      await api.decideJoin(groupId, request.id, approve);
    } catch (error) {
      if ((error as { code?: string }).code === 'mail_join_closed') setRequests((old) => old?.filter((r) => r.id !== request.id));
      throw error;
    }
    setRequests((old) => old?.filter((r) => r.id !== request.id));
    setDone(t(approve ? 'joins.approved' : 'joins.rejected', { address: request.address }));
  });
  // The box shows the choice at once; a failed save puts it back.
  const setPolicy = async (joinsDirectly: boolean) => {
    setDirect(joinsDirectly);
    if (!(await action.run(async () => setDirect((await api.setJoinPolicy(groupId, joinsDirectly)).joins_directly)))) setDirect(!joinsDirectly);
  };

  return (
    <section class="stack" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('joins.title')}</h2>
      <p class="hint">{t('joins.help')}</p>
      <label class="option">
        <input type="checkbox" checked={direct ?? false} disabled={direct === undefined} onChange={(e) => void setPolicy(e.currentTarget.checked)} />
        <span>{t('joins.directly')}</span>
      </label>
      {done && <p role="status">{done}</p>}
      {action.error && <p class="error" role="alert">{action.error}</p>}
      {requests?.length === 0 && <p class="muted">{t('joins.none')}</p>}
      {requests && requests.length > 0 && (
        <ul class="list" aria-label={t('joins.title')}>
          {requests.map((r) => (
            <li key={r.id} class="member" aria-label={t('joins.requestOf', { address: r.address })}>
              <span class="list-title">{r.address}</span>
              <span class="list-sub">{formatTime(r.confirmed_at ?? r.created_at, lang)}</span>
              <div class="row">
                <button class="button small primary" type="button" disabled={action.busy} onClick={() => void decide(r, true)}>{t('joins.approve')}</button>
                <button class="button small" type="button" disabled={action.busy} onClick={() => void decide(r, false)}>{t('joins.reject')}</button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
