import { useState } from 'preact/hooks';
import { useSession, useT } from '../app-context.ts';
import { useObservable } from '../lib/use-observable.ts';
import { ErrorText, Field } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';
import { useAccountApi } from './use-account-api.ts';

/** A new address: it becomes the account's when the link mailed to it is opened. */
export function EmailForm() {
  const { t } = useT();
  const profile = useObservable(useSession().profile);
  const accounts = useAccountApi();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState<string | undefined>(undefined);
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      setPending((await accounts.changeEmail(email.trim(), password)).pending_email);
      setEmail('');
      setPassword('');
    });
  };
  return (
    <form class="stack card" onSubmit={submit} aria-label={t('email.title')}>
      <h2>{t('email.title')}</h2>
      <p class="muted">{t('email.current', { email: profile.email })}</p>
      <Field label={t('email.new')} type="email" value={email} onInput={setEmail} autoComplete="email" maxLength={254} name="new-email" />
      <Field label={t('password.current')} type="password" value={password} onInput={setPassword} autoComplete="current-password" maxLength={256} name="email-password" />
      <ErrorText text={error} />
      {pending && <p class="done" role="status">{t('email.sent', { email: pending })}</p>}
      <button class="button primary" type="submit" disabled={busy}>{busy ? t('common.working') : t('email.submit')}</button>
    </form>
  );
}
