import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../config/limits.ts';
import { Email, Name, Password, UnreadSchema, UserSchema, errors } from '../schemas.ts';
import type { Api, RouteDeps } from '../route-deps.ts';

const SignedIn = Type.Object({ user: UserSchema, token: Type.String({ description: 'session token: send as Authorization: Bearer' }) });

/** Sign up, sign in, sign out, who am I, socket tokens. */
export function accountRoutes(app: Api, { accounts, auth, talk, throttles }: RouteDeps): void {
  app.post('/api/signup', {
    schema: { tags: ['accounts'], body: Type.Object({ email: Email, password: Password, name: Name }), response: { 201: SignedIn, ...errors(409, 422, 429) } },
  }, async (request, reply) => {
    await throttles.signup.take(request.ip);
    const signed = await accounts.signup(request.body);
    auth.setSessionCookie(reply, signed.token, LIMITS.sessionTtlMs);
    return reply.status(201).send(signed);
  });

  app.post('/api/login', {
    schema: { tags: ['accounts'], body: Type.Object({ email: Email, password: Type.String({ maxLength: LIMITS.maxPasswordLength }) }), response: { 200: SignedIn, ...errors(429) } },
  }, async (request, reply) => {
    const { email, password } = request.body;
    const signed = await throttles.login.attempt(email, request.ip, () => accounts.login(email, password));
    auth.setSessionCookie(reply, signed.token, LIMITS.sessionTtlMs);
    return signed;
  });

  app.post('/api/logout', { schema: { tags: ['accounts'], response: { 204: Type.Null(), ...errors() } } }, async (request, reply) => {
    await auth.requireUser(request);
    await accounts.logout(request.renrakuToken!);
    auth.clearSessionCookie(reply);
    return reply.status(204).send(null);
  });

  app.get('/api/me', { schema: { tags: ['accounts'], response: { 200: Type.Object({ user: UserSchema }), ...errors() } } }, async (request) => {
    return { user: await auth.requireUser(request) };
  });

  app.get('/api/me/unread', { schema: { tags: ['talk'], response: { 200: Type.Object({ rooms: Type.Array(UnreadSchema) }), ...errors() } } }, async (request) => {
    const user = await auth.requireUser(request);
    return { rooms: await talk.unread(user.id) };
  });

  app.post('/api/socket-token', {
    schema: { tags: ['accounts'], description: 'A short-lived signed token for /socket (params.token or phoenix.js authToken).', response: { 200: Type.Object({ token: Type.String(), expires_at: Type.Number() }), ...errors() } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return accounts.socketToken(user.id);
  });
}
