/**
 * The client's screens as hash routes (`/#/…`): the server serves one page at `/` and needs
 * no fallback, and an invitation link `/#/invite/<code>` survives sign-up on the way.
 */
export type GroupTab = 'rooms' | 'members' | 'invites' | 'announcements' | 'list';

export type Route =
  | { name: 'home' }
  | { name: 'signin'; next?: string; notice?: SignInNotice }
  | { name: 'signup'; next?: string }
  | { name: 'invite'; code: string }
  | { name: 'group'; groupId: string; tab: GroupTab }
  | { name: 'room'; groupId: string; roomId: string }
  | { name: 'compose'; groupId: string; draftId?: string }
  | { name: 'announcement'; id: string }
  | { name: 'settings' }
  /** The account links mailed by the server (src/accounts/account-service.ts) and the form that asks for one. */
  | { name: 'forgotPassword' }
  | { name: 'resetPassword'; token: string }
  | { name: 'verifyEmail'; token: string }
  /** The operators' page (web/src/operators): the operator token, not a session, opens it. */
  | { name: 'operators' }
  | { name: 'notFound'; path: string };

const TABS: readonly GroupTab[] = ['rooms', 'members', 'invites', 'announcements', 'list'];

/** Why sign-in is shown again: the password was just set, or the account deleted. */
export type SignInNotice = 'passwordSet' | 'accountDeleted';
const NOTICES: readonly SignInNotice[] = ['passwordSet', 'accountDeleted'];

/** `#/g/<id>/r/<room>` → route. Unknown paths are `notFound`, never an exception. */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const parts = pathPart.split('/').filter((p) => p !== '').map(safeDecode);
  const query = new URLSearchParams(queryPart);
  const next = query.get('next') ?? undefined;
  const notice = NOTICES.find((n) => n === query.get('notice'));
  const [a, b, c, d] = parts;
  if (parts.length === 0) return { name: 'home' };
  if (a === 'signin' && parts.length === 1) return { name: 'signin', ...(next ? { next } : {}), ...(notice ? { notice } : {}) };
  if (a === 'signup' && parts.length === 1) return next ? { name: 'signup', next } : { name: 'signup' };
  if (a === 'settings' && parts.length === 1) return { name: 'settings' };
  if (a === 'operators' && parts.length === 1) return { name: 'operators' };
  if (a === 'forgot-password' && parts.length === 1) return { name: 'forgotPassword' };
  if (a === 'reset-password' && b && parts.length === 2) return { name: 'resetPassword', token: b };
  if (a === 'verify-email' && b && parts.length === 2) return { name: 'verifyEmail', token: b };
  if (a === 'invite' && b && parts.length === 2) return { name: 'invite', code: b };
  // The path of the read links in announcement mail (src/http/routes/announcement-routes.ts).
  if (a === 'announcements' && b && parts.length === 2) return { name: 'announcement', id: b };
  if (a === 'g' && b) {
    if (parts.length === 2) return { name: 'group', groupId: b, tab: 'rooms' };
    if (parts.length === 3 && TABS.includes(c as GroupTab)) return { name: 'group', groupId: b, tab: c as GroupTab };
    if (parts.length === 4 && c === 'r' && d) return { name: 'room', groupId: b, roomId: d };
    if (parts.length === 3 && c === 'announce') return { name: 'compose', groupId: b };
    if (parts.length === 4 && c === 'announce' && d) return { name: 'compose', groupId: b, draftId: d };
  }
  return { name: 'notFound', path: pathPart };
}

/** The href of a route: `parseHash(hrefOf(r))` equals `r`. */
export function hrefOf(route: Route): string {
  const e = encodeURIComponent;
  const withQuery = (path: string, query: Record<string, string | undefined>) => {
    const pairs = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${e(v!)}`);
    return pairs.length > 0 ? `${path}?${pairs.join('&')}` : path;
  };
  const withNext = (path: string, next?: string) => withQuery(path, { next });
  switch (route.name) {
    case 'home': return '#/';
    case 'signin': return withQuery('#/signin', { next: route.next, notice: route.notice });
    case 'signup': return withNext('#/signup', route.next);
    case 'settings': return '#/settings';
    case 'operators': return '#/operators';
    case 'forgotPassword': return '#/forgot-password';
    case 'resetPassword': return `#/reset-password/${e(route.token)}`;
    case 'verifyEmail': return `#/verify-email/${e(route.token)}`;
    case 'invite': return `#/invite/${e(route.code)}`;
    case 'group': return route.tab === 'rooms' ? `#/g/${e(route.groupId)}` : `#/g/${e(route.groupId)}/${route.tab}`;
    case 'room': return `#/g/${e(route.groupId)}/r/${e(route.roomId)}`;
    case 'compose': return `#/g/${e(route.groupId)}/announce${route.draftId ? `/${e(route.draftId)}` : ''}`;
    case 'announcement': return `#/announcements/${e(route.id)}`;
    case 'notFound': return `#${route.path}`;
  }
}

/** Screens a signed-out visitor may see; any other sends them to sign-in and back after. */
export function isPublic(route: Route): boolean {
  return ['signin', 'signup', 'invite', 'forgotPassword', 'resetPassword', 'verifyEmail'].includes(route.name);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
