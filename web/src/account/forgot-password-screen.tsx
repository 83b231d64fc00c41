import { useState } from 'preact/hooks';
import { useT } from '../app-context.ts';
import { hrefOf } from '../routing/route.ts';
import { ErrorText, Field } from '../ui/field.tsx';
import { TopBar } from '../ui/top-bar.tsx';
import { useAction } from '../ui/use-action.ts';
import { useAccountApi } from './use-account-api.ts';

/** Asks for a reset link. The answer is the same whether or not the account exists, so the
 *  page never tells who has an account. */
export function ForgotPasswordScreen() {
  const { t } = useT();
  const accounts = useAccountApi();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await accounts.requestPasswordReset(email.trim());
      setSent(true);
    });
  };
  return (
    <div class="screen">
      <TopBar title={t('forgot.title')} back={hrefOf({ name: 'signin' })} />
      <main class="content stack">
        {sent ? (
          <p class="done" role="status">{t('forgot.sent')}</p>
        ) : (
          <form class="stack" onSubmit={submit} aria-label={t('forgot.title')}>
            <p>{t('forgot.intro')}</p>
            <Field label={t('auth.email')} type="email" value={email} onInput={setEmail} autoComplete="email" maxLength={254} name="email" />
            <ErrorText text={error} />
            <button class="button primary" type="submit" disabled={busy}>{busy ? t('common.working') : t('forgot.send')}</button>
          </form>
        )}
        <p><a href={hrefOf({ name: 'signin' })}>{t('forgot.backToSignIn')}</a></p>
      </main>
    </div>
  );
}
