import { useState } from 'preact/hooks';
import { useApp, useT } from '../app-context.ts';
import { hrefOf } from '../routing/route.ts';
import { ErrorText, Field } from '../ui/field.tsx';
import { useAction } from '../ui/use-action.ts';

/** Sign in or create an account. The server sets the session cookie; the app takes it from there. */
export function AuthForm({ mode }: { mode: 'signin' | 'signup' }) {
  const { t, lang } = useT();
  const { auth } = useApp();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const signup = mode === 'signup';
  const submit = (e: Event) => {
    e.preventDefault();
    void run(() => (signup ? auth.signUp({ name: name.trim(), email: email.trim(), password, language: lang }) : auth.signIn(email.trim(), password)));
  };
  return (
    <form class="stack" onSubmit={submit} aria-label={signup ? t('auth.signUp') : t('auth.signIn')}>
      {signup && <Field label={t('auth.name')} value={name} onInput={setName} autoComplete="name" maxLength={100} hint={t('auth.nameHint')} name="name" />}
      <Field label={t('auth.email')} type="email" value={email} onInput={setEmail} autoComplete="email" maxLength={254} name="email" />
      <Field
        label={t('auth.password')}
        type="password"
        value={password}
        onInput={setPassword}
        autoComplete={signup ? 'new-password' : 'current-password'}
        minLength={signup ? 8 : undefined}
        maxLength={256}
        hint={signup ? t('auth.passwordHint') : undefined}
        name="password"
      />
      <ErrorText text={error} />
      {/* elementtiming: `npm run bench -- web` times the first render to this button's paint */}
      <button class="button primary" type="submit" disabled={busy} elementtiming="auth-submit">
        {busy ? t('common.working') : signup ? t('auth.signUp') : t('auth.signIn')}
      </button>
      {!signup && <p><a href={hrefOf({ name: 'forgotPassword' })}>{t('auth.forgot')}</a></p>}
    </form>
  );
}
