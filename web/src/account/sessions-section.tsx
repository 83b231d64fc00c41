import { useEffect, useState } from 'preact/hooks';
import { useT } from '../app-context.ts';
import { formatTime } from '../announcements/use-announcements-api.ts';
import { ErrorText } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';
import type { SessionInfo } from './account-api.ts';
import { useAccountApi } from './use-account-api.ts';

/** Where I am signed in: each session's browser, when it began and was last used; the other
 *  ones can be signed out from here. `reload` changes when the list may have changed. */
export function SessionsSection({ reload }: { reload: number }) {
  const { t, lang } = useT();
  const accounts = useAccountApi();
  const [sessions, setSessions] = useState<SessionInfo[] | undefined>(undefined);
  const load = useAction();
  const end = useAction();
  useEffect(() => {
    void load.run(async () => setSessions((await accounts.sessions()).sessions));
  }, [reload]);
  const signOut = (id: string) => void end.run(async () => {
    await accounts.endSession(id);
    setSessions((held) => held?.filter((s) => s.id !== id));
  });
  return (
    <section class="stack card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('sessions.title')}</h2>
      <ErrorText text={load.error ?? end.error} />
      {!sessions && !load.error && <p class="muted">{t('common.loading')}</p>}
      {sessions && (
        <ul class="list sessions">
          {sessions.map((s) => (
            <li key={s.id} class="session" aria-label={s.user_agent ?? t('sessions.unknownDevice')}>
              <p class="session-agent">{s.user_agent ?? t('sessions.unknownDevice')}</p>
              <p class="hint">{t('sessions.times', { created: formatTime(s.created_at, lang), used: formatTime(s.last_used_at, lang) })}</p>
              {s.current
                ? <p class="session-current">{t('sessions.thisDevice')}</p>
                : <button class="button small danger-outline" type="button" disabled={end.busy} onClick={() => signOut(s.id)}>{t('sessions.signOut')}</button>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
