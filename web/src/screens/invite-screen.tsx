import { useContext, useEffect, useState } from 'preact/hooks';
import type { InvitePreview } from '../api/types.ts';
import { SessionContext, useApp, useT } from '../app-context.ts';
import { navigate } from '../routing/use-route.ts';
import { ErrorText } from '../ui/field.tsx';
import { TopBar } from '../ui/top-bar.tsx';
import { useAction } from '../ui/use-action.ts';
import { AuthForm } from './auth-form.tsx';

/**
 * An invitation link `/#/invite/<code>`: which group, whether the link still works, and —
 * signed out — a sign-up (or sign-in) form on the way; signed in, a button to join.
 */
export function InviteScreen({ code }: { code: string }) {
  const { t, error: errorText } = useT();
  const { api } = useApp();
  const session = useContext(SessionContext);
  const [preview, setPreview] = useState<InvitePreview | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [mode, setMode] = useState<'signup' | 'signin'>('signup');
  const { busy, error, run } = useAction();

  useEffect(() => {
    api.previewInvite(code).then(setPreview, (e: { code?: string }) => setLoadError(errorText(e.code ?? 'internal')));
  }, [code]);

  const join = () => run(async () => {
    try {
      const { group } = await api.acceptInvite(code);
      session?.feed.addGroup(group);
      navigate({ name: 'group', groupId: group.id, tab: 'rooms' }, true);
    } catch (e) {
      if ((e as { code?: string }).code !== 'already_member' || !preview) throw e;
      navigate({ name: 'group', groupId: preview.group.id, tab: 'rooms' }, true);
    }
  });

  return (
    <div class="screen">
      <TopBar title={t('invite.title')} {...(session ? { back: '#/' } : {})} />
      <main class="content stack">
        {loadError && <p class="error" role="alert">{loadError}</p>}
        {!preview && !loadError && <p class="muted">{t('common.loading')}</p>}
        {preview && (
          <>
            <p class="invite-group">{t('invite.to', { group: preview.group.name })}</p>
            {!preview.valid && <p class="error" role="alert">{t('invite.invalid')}</p>}
            {preview.valid && session && (
              <>
                <ErrorText text={error} />
                <button class="button primary" type="button" disabled={busy} onClick={() => void join()}>{busy ? t('common.working') : t('invite.join')}</button>
              </>
            )}
            {preview.valid && !session && (
              <>
                <p>{t('invite.signUpFirst')}</p>
                <div class="segmented" role="group">
                  <button type="button" class="button" aria-pressed={mode === 'signup'} onClick={() => setMode('signup')}>{t('auth.signUp')}</button>
                  <button type="button" class="button" aria-pressed={mode === 'signin'} onClick={() => setMode('signin')}>{t('auth.signIn')}</button>
                </div>
                <AuthForm key={mode} mode={mode} />
              </>
            )}
          </>
        )}
      </main>
    </div>
  );
}
