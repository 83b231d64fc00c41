import { useState } from 'preact/hooks';
import { useT } from '../app-context.ts';
import { ErrorText, Field } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';
import { useAccountApi } from './use-account-api.ts';

/** A new password, given the current one; every other session of the account ends. */
export function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const { t } = useT();
  const accounts = useAccountApi();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, run, setError } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    setDone(false);
    if (password !== again) {
      setError(t('reset.mismatch'));
      return;
    }
    void run(async () => {
      await accounts.changePassword(current, password);
      setCurrent('');
      setPassword('');
      setAgain('');
      setDone(true);
      onChanged();
    });
  };
  return (
    <form class="stack card" onSubmit={submit} aria-label={t('password.title')}>
      <h2>{t('password.title')}</h2>
      <Field label={t('password.current')} type="password" value={current} onInput={setCurrent} autoComplete="current-password" maxLength={256} name="current-password" />
      <Field label={t('reset.password')} type="password" value={password} onInput={setPassword} autoComplete="new-password" minLength={8} maxLength={256} hint={t('auth.passwordHint')} name="new-password" />
      <Field label={t('reset.again')} type="password" value={again} onInput={setAgain} autoComplete="new-password" minLength={8} maxLength={256} name="new-password-again" />
      <ErrorText text={error} />
      {done && <p class="done" role="status">{t('password.done')}</p>}
      <button class="button primary" type="submit" disabled={busy}>{busy ? t('common.working') : t('password.submit')}</button>
    </form>
  );
}
