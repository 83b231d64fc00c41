import { useId } from 'preact/hooks';
import { useApp, useSession, useT } from '../app-context.ts';
import { LANGS, type LangChoice } from '../i18n/language.ts';
import { useObservable } from '../lib/use-observable.ts';
import { Lazy } from '../ui/lazy.tsx';
import { TopBar } from '../ui/top-bar.tsx';
import { useAction } from '../ui/use-action.ts';

const LANG_NAMES: Record<(typeof LANGS)[number], string> = { ja: '日本語', en: 'English' };

/** Personal settings: language (kept on this device), mail from each group, signing out. */
export function SettingsScreen() {
  const { t } = useT();
  const { auth, langChoice } = useApp();
  const { user, feed } = useSession();
  const groups = useObservable(feed.groups);
  const choice = useObservable(langChoice);
  const id = useId();
  const signOut = useAction();
  return (
    <div class="screen">
      <TopBar title={t('settings.title')} back="#/" />
      <main class="content stack">
        <div class="field">
          <label for={id}>{t('settings.language')}</label>
          <select id={id} value={choice} onChange={(e) => langChoice.set(e.currentTarget.value as LangChoice)}>
            <option value="auto">{t('settings.auto')}</option>
            {LANGS.map((l) => <option key={l} value={l} lang={l}>{LANG_NAMES[l]}</option>)}
          </select>
        </div>
        {groups && groups.length > 0 && (
          <Lazy load={() => import('../announcements/mail-settings.tsx').then((m) => m.MailSettings)} props={{ groups }} />
        )}
        <p class="muted">{t('settings.account', { name: user.name, email: user.email })}</p>
        <button class="button danger-outline" type="button" disabled={signOut.busy} onClick={() => void signOut.run(() => auth.signOut())}>{t('auth.signOut')}</button>
      </main>
    </div>
  );
}
