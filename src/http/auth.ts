import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../domain/app-error.ts';
import type { AccountService } from '../accounts/account-service.ts';
import type { User } from '../domain/types.ts';

export const SESSION_COOKIE = 'renraku_session';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The signed-in user. Set by the hook of the signed-in scope (signed-in-scope.ts) before
     * the handler runs; only routes registered on that scope may read it (elsewhere it is unset).
     */
    user: User;
    /** The id of the session the request was signed in with (signed-in scope only). */
    sessionId: string;
    /** The session token the request was signed in with (signed-in scope only). */
    sessionToken: string;
  }
}

/** Reads the session token: `Authorization: Bearer` for API clients, the cookie for browsers. */
export function sessionToken(request: FastifyRequest): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match ? { token: match[1]!, via: 'bearer' } : undefined;
  }
  const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
  return cookie ? { token: cookie, via: 'cookie' } : undefined;
}

/** The first well-formed value of cookie `name`; a value with a malformed percent escape is skipped (it names no session). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // URIError: not one of our tokens, which are base64url.
    }
  }
  return undefined;
}

/**
 * Authentication for routes. A cookie-authenticated request that changes state must come from
 * our own origin (the Origin header, which browsers always send on such requests), so another
 * site cannot act with a visitor's cookie.
 */
export function createAuth(accounts: AccountService, publicUrl: string) {
  const publicOrigin = new URL(publicUrl).origin;

  /**
   * Signs the request in or refuses it: no token or an ended session is `unauthenticated`
   * (401), a cookie write from another origin `origin_not_allowed` (403). On success it sets
   * `request.user`, `request.sessionId` and `request.sessionToken`.
   */
  async function authenticate(request: FastifyRequest): Promise<void> {
    const found = sessionToken(request);
    if (!found) throw new AppError('unauthenticated');
    if (found.via === 'cookie' && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const origin = request.headers.origin;
      const host = request.headers.host;
      const sameHost = origin !== undefined && host !== undefined && safeHost(origin) === host;
      if (origin === undefined || (origin !== publicOrigin && !sameHost)) throw new AppError('origin_not_allowed');
    }
    const signedIn = await accounts.authenticate(found.token);
    if (!signedIn) throw new AppError('unauthenticated', 'The session has expired or was signed out.');
    request.user = signedIn.user;
    request.sessionId = signedIn.session_id;
    request.sessionToken = found.token;
  }

  function setSessionCookie(reply: FastifyReply, token: string, maxAgeMs: number): void {
    const secure = publicUrl.startsWith('https:') ? '; Secure' : '';
    reply.header('set-cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure}`);
  }

  function clearSessionCookie(reply: FastifyReply): void {
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  }

  return { authenticate, setSessionCookie, clearSessionCookie };
}

export type Auth = ReturnType<typeof createAuth>;

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
