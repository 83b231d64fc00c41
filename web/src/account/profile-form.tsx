import { useState } from 'preact/hooks';
import { useSession, useT } from '../app-context.ts';
import { useObservable } from '../lib/use-observable.ts';
import { ErrorText, Field } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';
import { useAccountApi } from './use-account-api.ts';

/** The name the members of my groups see. */
export function ProfileForm() {
  const { t } = useT();
  const session = useSession();
  const profile = useObservable(session.profile);
  const accounts = useAccountApi();
  const [name, setName] = useState(profile.name);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void run(async () => {
      session.profile.set((await accounts.updateProfile({ name: name.trim() })).user);
      setSaved(true);
    });
  };
  return (
    <form class="stack card" onSubmit={submit} aria-label={t('profile.title')}>
      <h2>{t('profile.title')}</h2>
      <Field label={t('auth.name')} value={name} onInput={(v) => { setName(v); setSaved(false); }} autoComplete="name" maxLength={100} hint={t('auth.nameHint')} name="name" />
      <ErrorText text={error} />
      {saved && <p class="done" role="status">{t('profile.saved')}</p>}
      <button class="button primary" type="submit" disabled={busy || name.trim() === '' || name.trim() === profile.name}>{busy ? t('common.working') : t('profile.save')}</button>
    </form>
  );
}
