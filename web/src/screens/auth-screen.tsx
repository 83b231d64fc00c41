import { useT } from '../app-context.ts';
import { hrefOf, type SignInNotice } from '../routing/route.ts';
import { TopBar } from '../ui/top-bar.tsx';
import { AuthForm } from './auth-form.tsx';

const NOTICE_KEYS = { passwordSet: 'reset.done', accountDeleted: 'delete.done' } as const;

/** What a signed-out visitor sees: sign-in, with a way to create an account (and back). */
export function AuthScreen({ mode, next, notice }: { mode: 'signin' | 'signup'; next?: string; notice?: SignInNotice }) {
  const { t } = useT();
  const other = mode === 'signin' ? hrefOf({ name: 'signup', ...(next ? { next } : {}) }) : hrefOf({ name: 'signin', ...(next ? { next } : {}) });
  return (
    <div class="screen">
      <TopBar title={mode === 'signin' ? t('auth.signIn') : t('auth.signUp')} />
      <main class="content">
        <p class="brand" lang="ja">連絡網 <span lang="en">Renraku</span></p>
        {notice && <p class="done" role="status">{t(NOTICE_KEYS[notice])}</p>}
        <AuthForm key={mode} mode={mode} />
        <p class="switch">
          {mode === 'signin' ? t('auth.noAccount') : t('auth.haveAccount')}{' '}
          <a href={other}>{mode === 'signin' ? t('auth.toSignUp') : t('auth.toSignIn')}</a>
        </p>
      </main>
    </div>
  );
}
