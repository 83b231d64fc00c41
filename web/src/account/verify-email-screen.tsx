import { useContext, useEffect, useState } from 'preact/hooks';
import type { User } from '../api/types.ts';
import { SessionContext, useT } from '../app-context.ts';
import { hrefOf } from '../routing/route.ts';
import { describeError } from '../ui/describe-error.ts';
import { TopBar } from '../ui/top-bar.tsx';
import { linkError, linkErrorKey } from './link-errors.ts';
import { useAccountApi } from './use-account-api.ts';

type Outcome = { status: 'working' } | { status: 'done'; user: User } | { status: 'failed'; text: string };

/**
 * The page of a mailed address link (sign-up or a new address). The page confirms it with a
 * POST when opened — the server never acts on the GET, so a mail scanner that fetches the link
 * confirms nothing. Works signed in (the banner goes away) or out.
 */
export function VerifyEmailScreen({ token }: { token: string }) {
  const i18n = useT();
  const { t } = i18n;
  const session = useContext(SessionContext);
  const accounts = useAccountApi();
  const [outcome, setOutcome] = useState<Outcome>({ status: 'working' });
  useEffect(() => {
    accounts.confirmEmail(token).then(({ user }) => {
      if (session && session.user.id === user.id) session.profile.set(user);
      setOutcome({ status: 'done', user });
    }, (error: unknown) => {
      const code = linkError(error);
      setOutcome({ status: 'failed', text: code ? t(linkErrorKey('verify', code)) : describeError(i18n, error) });
    });
  }, [token]);
  const onward = session ? <a href="#/">{t('app.toGroups')}</a> : <a href={hrefOf({ name: 'signin' })}>{t('auth.toSignIn')}</a>;
  return (
    <div class="screen">
      <TopBar title={t('verify.title')} />
      <main class="content stack">
        {outcome.status === 'working' && <p class="muted" aria-busy="true">{t('verify.working')}</p>}
        {outcome.status === 'done' && <p class="done" role="status">{t('verify.done', { email: outcome.user.email })}</p>}
        {outcome.status === 'failed' && <p class="error" role="alert">{outcome.text}</p>}
        {outcome.status !== 'working' && <p>{onward}</p>}
      </main>
    </div>
  );
}
