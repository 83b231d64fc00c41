import type { Auth } from './auth.ts';
import type { Api } from './route-deps.ts';

/**
 * The one signed-in scope: an encapsulated context whose `preHandler` hook signs every request
 * in (`auth.authenticate`: 401 `unauthenticated`, 403 `origin_not_allowed` for a cookie write
 * from another origin) and sets `request.user`, `request.sessionId` and `request.sessionToken`
 * for the routes `routes` registers on it. `preHandler` runs after parsing and schema
 * validation, so a malformed request is still 400 before a missing session is 401.
 *
 * What needs no session (sign-up and sign-in, signed mail links, invite previews) is
 * registered beside it on `app`, by each route file's `public…Routes`.
 */
export async function withSignedInScope(app: Api, auth: Auth, routes: (signedIn: Api) => void): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('preHandler', auth.authenticate);
    routes(scope as unknown as Api);
  });
}
