import { useContext, useState } from 'preact/hooks';
import { SessionContext, useApp, useT } from '../app-context.ts';
import { hrefOf } from '../routing/route.ts';
import { navigate } from '../routing/use-route.ts';
import { ErrorText, Field } from '../ui/field.tsx';
import { TopBar } from '../ui/top-bar.tsx';
import { useAction } from '../ui/use-action.ts';
import { linkError, linkErrorKey, type LinkError } from './link-errors.ts';
import { useAccountApi } from './use-account-api.ts';

/** The page of a mailed reset link: a new password, twice. Setting it ends every session, so
 *  the person goes to sign-in with it; a used, expired or broken link says so and offers a new one. */
export function ResetPasswordScreen({ token }: { token: string }) {
  const { t } = useT();
  const { auth } = useApp();
  const signedIn = useContext(SessionContext) !== null;
  const accounts = useAccountApi();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [failed, setFailed] = useState<LinkError | undefined>(undefined);
  const { busy, error, run, setError } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    if (password !== again) {
      setError(t('reset.mismatch'));
      return;
    }
    void run(async () => {
      try {
        await accounts.confirmPasswordReset(token, password);
      } catch (err) {
        const code = linkError(err);
        if (code === undefined) throw err;
        setFailed(code);
        return;
      }
      if (signedIn) auth.ended();
      navigate({ name: 'signin', notice: 'passwordSet' }, true);
    });
  };
  return (
    <div class="screen">
      <TopBar title={t('reset.title')} />
      <main class="content stack">
        {failed ? (
          <>
            <p class="error" role="alert">{t(linkErrorKey('reset', failed))}</p>
            <a class="button primary" href={hrefOf({ name: 'forgotPassword' })}>{t('reset.askNew')}</a>
          </>
        ) : (
          <form class="stack" onSubmit={submit} aria-label={t('reset.title')}>
            <Field label={t('reset.password')} type="password" value={password} onInput={setPassword} autoComplete="new-password" minLength={8} maxLength={256} hint={t('auth.passwordHint')} name="password" />
            <Field label={t('reset.again')} type="password" value={again} onInput={setAgain} autoComplete="new-password" minLength={8} maxLength={256} name="password-again" />
            <ErrorText text={error} />
            <button class="button primary" type="submit" disabled={busy}>{busy ? t('common.working') : t('reset.submit')}</button>
          </form>
        )}
      </main>
    </div>
  );
}
