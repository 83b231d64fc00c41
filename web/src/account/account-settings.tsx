import { useState } from 'preact/hooks';
import { useT } from '../app-context.ts';
import { EXPORT_PATH } from './account-api.ts';
import { DeleteAccountForm } from './delete-account-form.tsx';
import { EmailForm } from './email-form.tsx';
import { PasswordForm } from './password-form.tsx';
import { ProfileForm } from './profile-form.tsx';
import { SessionsSection } from './sessions-section.tsx';

/** The account part of settings, loaded when settings first open: profile, password, address,
 *  sessions, my data, leaving. */
export function AccountSettings() {
  const { t } = useT();
  // A password change ends the other sessions: the list is asked for again.
  const [sessionsVersion, setSessionsVersion] = useState(0);
  return (
    <div class="stack">
      <ProfileForm />
      <PasswordForm onChanged={() => setSessionsVersion((n) => n + 1)} />
      <EmailForm />
      <SessionsSection reload={sessionsVersion} />
      <section class="stack card" aria-labelledby="export-title">
        <h2 id="export-title">{t('export.title')}</h2>
        <p class="muted">{t('export.intro')}</p>
        <a class="button" href={EXPORT_PATH} download="renraku-export.json">{t('export.download')}</a>
      </section>
      <DeleteAccountForm />
    </div>
  );
}
