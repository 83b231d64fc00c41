import { useId } from 'preact/hooks';
import { useApp, useSession, useT } from '../app-context.ts';
import { AccountApi } from '../account/account-api.ts';
import { LANGS, type LangChoice } from '../i18n/language.ts';
import { useObservable } from '../lib/use-observable.ts';
import { ErrorText } from '../ui/field.tsx';
import { Lazy } from '../ui/lazy.tsx';
import { TopBar } from '../ui/top-bar.tsx';
import { useAction } from '../ui/use-action.ts';

const LANG_NAMES: Record<(typeof LANGS)[number], string> = { ja: '日本語', en: 'English' };

/** Personal settings: language (on this device and for mail), mail from each group, the
 *  account (lazily loaded), signing out. */
export function SettingsScreen() {
  const { t } = useT();
  const { api, auth, langChoice } = useApp();
  const session = useSession();
  const profile = useObservable(session.profile);
  const groups = useObservable(session.feed.groups);
  const choice = useObservable(langChoice);
  const id = useId();
  const signOut = useAction();
  const language = useAction();
  const chooseLanguage = (next: LangChoice) => {
    langChoice.set(next);
    // The account keeps it too, for the mail the server sends; `auto` follows the browser.
    void language.run(async () => session.profile.set((await new AccountApi(api).updateProfile({ language: next === 'auto' ? null : next })).user));
  };
  return (
    <div class="screen">
      <TopBar title={t('settings.title')} back="#/" />
      <main class="content stack">
        <div class="field">
          <label for={id}>{t('settings.language')}</label>
          <select id={id} value={choice} onChange={(e) => chooseLanguage(e.currentTarget.value as LangChoice)}>
            <option value="auto">{t('settings.auto')}</option>
            {LANGS.map((l) => <option key={l} value={l} lang={l}>{LANG_NAMES[l]}</option>)}
          </select>
          <ErrorText text={language.error} />
        </div>
        {groups && groups.length > 0 && (
          <Lazy load={() => import('../announcements/mail-settings.tsx').then((m) => m.MailSettings)} props={{ groups }} />
        )}
        <Lazy load={() => import('../account/account-settings.tsx').then((m) => m.AccountSettings)} props={{}} />
        <p class="muted">{t('settings.account', { name: profile.name, email: profile.email })}</p>
        <button class="button danger-outline" type="button" disabled={signOut.busy} onClick={() => void signOut.run(() => auth.signOut())}>{t('auth.signOut')}</button>
      </main>
    </div>
  );
}
