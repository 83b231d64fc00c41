import { useState } from 'preact/hooks';
import { useApp, useT } from '../app-context.ts';
import { hrefOf } from '../routing/route.ts';
import { navigate } from '../routing/use-route.ts';
import { ErrorText, Field } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';
import { soleOwnerGroups, type OwnedGroup } from './account-api.ts';
import { useAccountApi } from './use-account-api.ts';

/** Leaving the service: what goes and what stays, the password, and — when I alone own some
 *  groups — those groups, each linked to its members so I can hand it over. */
export function DeleteAccountForm() {
  const { t } = useT();
  const { auth } = useApp();
  const accounts = useAccountApi();
  const [password, setPassword] = useState('');
  const [owned, setOwned] = useState<OwnedGroup[]>([]);
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    setOwned([]);
    void run(async () => {
      try {
        await accounts.deleteAccount(password);
      } catch (err) {
        setOwned(soleOwnerGroups(err));
        throw err;
      }
      auth.ended();
      navigate({ name: 'signin', notice: 'accountDeleted' }, true);
    });
  };
  return (
    <form class="stack card danger-zone" onSubmit={submit} aria-label={t('delete.title')}>
      <h2>{t('delete.title')}</h2>
      <p>{t('delete.goes')}</p>
      <p>{t('delete.stays')}</p>
      <Field label={t('password.current')} type="password" value={password} onInput={setPassword} autoComplete="current-password" maxLength={256} name="delete-password" />
      {owned.length > 0 ? (
        <div class="error" role="alert">
          <p>{t('delete.soleOwner')}</p>
          <ul>{owned.map((g) => <li key={g.id}><a href={hrefOf({ name: 'group', groupId: g.id, tab: 'members' })}>{g.name}</a></li>)}</ul>
        </div>
      ) : <ErrorText text={error} />}
      <button class="button danger" type="submit" disabled={busy}>{busy ? t('common.working') : t('delete.submit')}</button>
    </form>
  );
}
