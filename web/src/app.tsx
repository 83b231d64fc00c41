import { useEffect, useMemo } from 'preact/hooks';
import { AppContext, I18nContext, SessionContext, useApp, useT, type AppServices } from './app-context.ts';
import { resolveLanguage } from './i18n/language.ts';
import { translator } from './i18n/translator.ts';
import { useObservable } from './lib/use-observable.ts';
import { hrefOf, parseHash, type Route } from './routing/route.ts';
import { navigate, useRoute } from './routing/use-route.ts';
import { ForgotPasswordScreen } from './account/forgot-password-screen.tsx';
import { ResetPasswordScreen } from './account/reset-password-screen.tsx';
import { VerifyBanner } from './account/verify-banner.tsx';
import { VerifyEmailScreen } from './account/verify-email-screen.tsx';
import { AuthScreen } from './screens/auth-screen.tsx';
import { GroupScreen } from './screens/group-screen.tsx';
import { GroupsScreen } from './screens/groups-screen.tsx';
import { InviteScreen } from './screens/invite-screen.tsx';
import { RoomScreen } from './screens/room-screen.tsx';
import { SettingsScreen } from './screens/settings-screen.tsx';
import type { AuthState } from './session/auth.ts';
import { Lazy } from './ui/lazy.tsx';
import { LinkBanner } from './ui/link-banner.tsx';
import { TopBar } from './ui/top-bar.tsx';

/** The whole client: language, then the screen for the route and the sign-in state. */
export function App({ services }: { services: AppServices }) {
  const choice = useObservable(services.langChoice);
  const i18n = useMemo(() => translator(resolveLanguage(choice, services.languages)), [choice]);
  useEffect(() => {
    document.documentElement.lang = i18n.lang;
    document.title = i18n.t('app.name');
  }, [i18n]);
  const auth = useObservable(services.auth.state);
  const route = useRoute();
  return (
    <AppContext.Provider value={services}>
      <I18nContext.Provider value={i18n}>
        <Shell auth={auth} route={route} />
      </I18nContext.Provider>
    </AppContext.Provider>
  );
}

function Shell({ auth, route }: { auth: AuthState; route: Route }) {
  const { t } = useT();
  // Operators sign in with the operator token, not as a member: the page works signed in or out.
  if (route.name === 'operators') return <Lazy load={() => import('./operators/operators-screen.tsx').then((m) => m.OperatorsScreen)} props={{}} />;
  if (auth.status === 'loading') return <div class="screen splash" aria-busy="true"><p class="brand">連絡網 Renraku</p></div>;
  if (auth.status === 'unreachable') return <Unreachable />;
  if (auth.status === 'signedOut') {
    const account = accountLinkScreen(route);
    if (account) return account;
    if (route.name === 'signup') return <AuthScreen mode="signup" {...(route.next ? { next: route.next } : {})} />;
    if (route.name === 'invite') return <InviteScreen code={route.code} />;
    const next = route.name === 'signin' ? route.next : route.name === 'home' ? undefined : hrefOf(route);
    return <AuthScreen mode="signin" {...(next ? { next } : {})} {...(route.name === 'signin' && route.notice ? { notice: route.notice } : {})} />;
  }
  return (
    <SessionContext.Provider value={auth.session}>
      <LinkBanner />
      <VerifyBanner />
      <SignedInScreen route={route} notFound={t('app.notFound')} />
    </SessionContext.Provider>
  );
}

/** The pages of mailed account links and the form asking for one: the same signed in or out. */
function accountLinkScreen(route: Route) {
  switch (route.name) {
    case 'forgotPassword': return <ForgotPasswordScreen />;
    case 'resetPassword': return <ResetPasswordScreen key={route.token} token={route.token} />;
    case 'verifyEmail': return <VerifyEmailScreen key={route.token} token={route.token} />;
    default: return undefined;
  }
}

function SignedInScreen({ route, notFound }: { route: Route; notFound: string }) {
  const { t } = useT();
  const account = accountLinkScreen(route);
  const redirect = route.name === 'signin' || route.name === 'signup' ? (route.next ? parseHash(route.next) : { name: 'home' as const }) : undefined;
  useEffect(() => {
    if (redirect) navigate(redirect, true);
  }, [redirect && hrefOf(redirect)]);
  if (account) return account;
  switch (route.name) {
    case 'home': return <GroupsScreen />;
    case 'invite': return <InviteScreen code={route.code} />;
    case 'group': return <GroupScreen groupId={route.groupId} tab={route.tab} />;
    case 'room': return <RoomScreen groupId={route.groupId} roomId={route.roomId} />;
    case 'settings': return <SettingsScreen />;
    case 'compose': return (
      <Lazy key={`compose-${route.groupId}-${route.draftId ?? ''}`} load={() => import('./announcements/compose-screen.tsx').then((m) => m.ComposeScreen)}
        props={{ groupId: route.groupId, ...(route.draftId ? { draftId: route.draftId } : {}) }} />
    );
    case 'announcement': return (
      <Lazy key={`announcement-${route.id}`} load={() => import('./announcements/announcement-screen.tsx').then((m) => m.AnnouncementScreen)} props={{ id: route.id }} />
    );
    case 'signin':
    case 'signup': return null;
    default: return (
      <div class="screen">
        <TopBar title={notFound} back="#/" />
        <main class="content"><a href="#/">{t('app.toGroups')}</a></main>
      </div>
    );
  }
}

function Unreachable() {
  const { t } = useT();
  const { auth } = useApp();
  return (
    <div class="screen">
      <TopBar title={t('app.name')} />
      <main class="content stack">
        <p class="error" role="alert">{t('app.unreachable')}</p>
        <button class="button primary" type="button" onClick={() => void auth.boot()}>{t('common.retry')}</button>
      </main>
    </div>
  );
}
