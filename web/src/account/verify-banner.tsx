import { useState } from 'preact/hooks';
import { useApp, useSession, useT } from '../app-context.ts';
import { useObservable } from '../lib/use-observable.ts';
import { useAction } from '../ui/use-action.ts';
import { useAccountApi } from './use-account-api.ts';

/** For a signed-in person whose address is not confirmed yet: where the link went, and a
 *  button to send it again (with what came of it). Gone once the address is confirmed. */
export function VerifyBanner() {
  const { t } = useT();
  const { api } = useApp();
  const session = useSession();
  const profile = useObservable(session.profile);
  const accounts = useAccountApi();
  const [resent, setResent] = useState(false);
  const resend = useAction();
  if (profile.email_verified) return null;
  const onResend = () => void resend.run(async () => {
    setResent(false);
    try {
      await accounts.resendVerification();
      setResent(true);
    } catch (error) {
      // Confirmed meanwhile (another tab or device): take the account as it is now.
      if ((error as { code?: string }).code !== 'email_already_verified') throw error;
      session.profile.set((await api.me()).user);
    }
  });
  return (
    <section class="verify-banner" aria-label={t('verify.bannerLabel')}>
      <p>{t('verify.banner', { email: profile.email })}</p>
      <div class="row">
        <button class="button small" type="button" disabled={resend.busy} onClick={onResend}>{resend.busy ? t('common.working') : t('verify.resend')}</button>
      </div>
      {resent && <p role="status">{t('verify.resent', { email: profile.email })}</p>}
      {resend.error && <p class="error" role="alert">{resend.error}</p>}
    </section>
  );
}
