import { useEffect, useId, useState } from 'preact/hooks';
import type { Bounces } from './types.ts';
import { useListAction, useListsApi, useListT } from './use-lists.ts';

/**
 * Representatives: members whose mail bounced, with their score against the threshold; mail to
 * those who reached it is paused until a representative resumes it (the score restarts at 0).
 */
export function BouncesSection({ groupId }: { groupId: string }) {
  const { t } = useListT();
  const api = useListsApi();
  const action = useListAction();
  const [bounces, setBounces] = useState<Bounces | undefined>(undefined);
  const [done, setDone] = useState<string | undefined>(undefined);
  const id = useId();

  const load = async () => setBounces(await api.bounces(groupId));
  useEffect(() => {
    void action.run(load);
  }, [groupId]);

  const unpause = (userId: string, name: string) => action.run(async () => {
    setDone(undefined);
    await api.unpause(groupId, userId);
    await load();
    setDone(t('bounces.unpaused', { name }));
  });

  const score = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  return (
    <section class="stack" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('bounces.title')}</h2>
      {bounces && <p class="hint">{t('bounces.help', { threshold: score(bounces.threshold) })}</p>}
      {done && <p role="status">{done}</p>}
      {action.error && <p class="error" role="alert">{action.error}</p>}
      {bounces?.members.length === 0 && <p class="muted">{t('bounces.none')}</p>}
      {bounces && bounces.members.length > 0 && (
        <ul class="list" aria-label={t('bounces.title')}>
          {bounces.members.map((m) => (
            <li key={m.user_id} class="member" aria-label={m.name}>
              <span class="list-title">{m.name}<span class="list-sub bounce-email">{m.email}</span></span>
              <span class="list-sub">{t('bounces.score', { score: score(m.score), threshold: score(bounces.threshold) })}</span>
              {m.paused_at !== null && (
                <>
                  <span class="tag bounce-paused">{t('bounces.paused')}</span>
                  <button class="button small" type="button" disabled={action.busy} onClick={() => void unpause(m.user_id, m.name)}>{t('bounces.unpause')}</button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
