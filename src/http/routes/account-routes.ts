import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../config/limits.ts';
import { Email, LanguageSchema, Name, Password, Timestamp, UnreadSchema, UserSchema, errors } from '../schemas.ts';
import type { Api, RouteDeps } from '../route-deps.ts';

const SignedIn = Type.Object({ user: UserSchema, token: Type.String({ description: 'session token: send as Authorization: Bearer' }) });
const LinkToken = Type.String({ minLength: 1, maxLength: 128, description: 'the token of the mailed link (after #/verify-email/ or #/reset-password/)' });
const SessionSchema = Type.Object({
  id: Type.String(), created_at: Timestamp, last_used_at: Timestamp, expires_at: Timestamp,
  user_agent: Type.Union([Type.String(), Type.Null()]), current: Type.Boolean({ description: 'the session of this request' }),
});
const Accepted = Type.Object({ status: Type.Literal('accepted') });

/** Sign out, who am I, socket tokens; address change and verification mails, profile, password, sessions, leaving, export. */
export function accountRoutes(signedIn: Api, { accounts, auth, talk, throttles }: RouteDeps): void {
  signedIn.post('/api/logout', { schema: { tags: ['accounts'], description: 'Ends this session and closes the sockets opened with it.', response: { 204: Type.Null(), ...errors() } } }, async (request, reply) => {
    await accounts.logout(request.sessionToken);
    auth.clearSessionCookie(reply);
    return reply.status(204).send(null);
  });

  signedIn.get('/api/me', { schema: { tags: ['accounts'], response: { 200: Type.Object({ user: UserSchema }), ...errors() } } }, async (request) => {
    return { user: request.user };
  });

  signedIn.patch('/api/me', {
    schema: {
      tags: ['accounts'], body: Type.Object({ name: Type.Optional(Name), language: Type.Optional(Type.Union([LanguageSchema, Type.Null()])) }, { minProperties: 1 }),
      response: { 200: Type.Object({ user: UserSchema }), ...errors() },
    },
  }, async (request) => {
    return { user: await accounts.updateProfile(request.user.id, request.body) };
  });

  signedIn.put('/api/me/password', {
    schema: {
      tags: ['accounts'], description: 'Changes the password; every other session ends and its sockets close.',
      body: Type.Object({ current: Type.String({ maxLength: LIMITS.maxPasswordLength }), password: Password }), response: { 204: Type.Null(), ...errors(403, 422) },
    },
  }, async (request, reply) => {
    await accounts.changePassword({ user: request.user, session_id: request.sessionId }, request.body.current, request.body.password);
    return reply.status(204).send(null);
  });

  signedIn.post('/api/me/email', {
    schema: {
      tags: ['accounts'], description: 'Mails a link to the new address; it becomes the account’s address when that link is opened, and the old address is told.',
      body: Type.Object({ email: Email, password: Type.String({ maxLength: LIMITS.maxPasswordLength }) }),
      response: { 202: Type.Object({ pending_email: Type.String() }), ...errors(403, 409) },
    },
  }, async (request, reply) => {
    return reply.status(202).send(await accounts.requestEmailChange(request.user, request.body.email, request.body.password));
  });

  signedIn.post('/api/me/verification', {
    schema: { tags: ['accounts'], description: 'Mails a new verification link (older ones stop working).', response: { 202: Accepted, ...errors(409, 429) } },
  }, async (request, reply) => {
    const { user } = request;
    // An address already verified is answered 409 without spending the budget.
    if (!user.email_verified) await throttles.verificationResend.take(user.id);
    await accounts.resendVerification(user);
    return reply.status(202).send({ status: 'accepted' as const });
  });

  signedIn.get('/api/me/sessions', { schema: { tags: ['accounts'], response: { 200: Type.Object({ sessions: Type.Array(SessionSchema) }), ...errors() } } }, async (request) => {
    return { sessions: await accounts.listSessions(request.user.id, request.sessionId) };
  });

  signedIn.delete('/api/me/sessions/:id', {
    schema: {
      tags: ['accounts'], description: 'Ends one of your sessions: its sockets close and its socket tokens are refused.',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }), response: { 204: Type.Null(), ...errors(404) },
    },
  }, async (request, reply) => {
    await accounts.revokeSession(request.user.id, request.params.id);
    if (request.params.id === request.sessionId) auth.clearSessionCookie(reply);
    return reply.status(204).send(null);
  });

  signedIn.delete('/api/me', {
    schema: {
      tags: ['accounts'], description: 'Leaves the service (docs/privacy.md): personal data is erased; messages and answers stay under “Former member”. The only owner of a group must hand it over first.',
      body: Type.Object({ password: Type.String({ maxLength: LIMITS.maxPasswordLength }) }), response: { 204: Type.Null(), ...errors(403, 409) },
    },
  }, async (request, reply) => {
    await accounts.deleteAccount(request.user, request.body.password);
    auth.clearSessionCookie(reply);
    return reply.status(204).send(null);
  });

  signedIn.get('/api/me/export', {
    schema: { tags: ['accounts'], description: 'Everything stored about you, as one JSON document (APPI disclosure, GDPR Art. 15/20).', response: { ...errors() } },
  }, async (request, reply) => {
    const data = await accounts.exportData(request.user, request.sessionId);
    reply.header('content-disposition', 'attachment; filename="renraku-export.json"');
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(data, null, 2));
  });

  signedIn.get('/api/me/unread', { schema: { tags: ['talk'], response: { 200: Type.Object({ rooms: Type.Array(UnreadSchema) }), ...errors() } } }, async (request) => {
    return { rooms: await talk.unread(request.user.id) };
  });

  signedIn.post('/api/socket-token', {
    schema: { tags: ['accounts'], description: 'A short-lived signed token for /socket (params.token or phoenix.js authToken); refused once this session ends.', response: { 200: Type.Object({ token: Type.String(), expires_at: Type.Number() }), ...errors() } },
  }, async (request) => {
    return accounts.socketToken(request.user.id, request.sessionId);
  });
}

/** Sign up, sign in, and the mailed links (verification, password reset), which need no session: the link is the proof. */
export function publicAccountRoutes(app: Api, { accounts, auth, throttles }: RouteDeps): void {
  const client = (request: { headers: Record<string, string | string[] | undefined> }) => {
    const ua = request.headers['user-agent'];
    return { userAgent: typeof ua === 'string' ? ua : undefined };
  };

  app.post('/api/signup', {
    schema: {
      tags: ['accounts'], description: 'Creates the account and mails a verification link to the address (valid 24 h).',
      body: Type.Object({ email: Email, password: Password, name: Name, language: Type.Optional(LanguageSchema) }), response: { 201: SignedIn, ...errors(409, 422, 429) },
    },
  }, async (request, reply) => {
    await throttles.signup.take(request.ip);
    const signed = await accounts.signup(request.body, client(request));
    auth.setSessionCookie(reply, signed.token, LIMITS.sessionTtlMs);
    return reply.status(201).send(signed);
  });

  app.post('/api/login', {
    schema: { tags: ['accounts'], body: Type.Object({ email: Email, password: Type.String({ maxLength: LIMITS.maxPasswordLength }) }), response: { 200: SignedIn, ...errors(429) } },
  }, async (request, reply) => {
    const { email, password } = request.body;
    const signed = await throttles.login.attempt(email, request.ip, () => accounts.login(email, password, client(request)));
    auth.setSessionCookie(reply, signed.token, LIMITS.sessionTtlMs);
    return signed;
  });

  app.post('/api/email-verification/confirm', {
    schema: {
      tags: ['accounts'], description: 'Opens a verification or address-change link: no session needed (the link is the proof).',
      body: Type.Object({ token: LinkToken }), response: { 200: Type.Object({ user: UserSchema }), ...errors(400, 409, 410) },
    },
  }, async (request) => {
    return { user: await accounts.confirmEmail(request.body.token) };
  });

  app.post('/api/password-reset', {
    schema: {
      tags: ['accounts'], description: 'Always 202 with the same body, whether or not the account exists; the link (valid 1 h, single use) is mailed when it does.',
      body: Type.Object({ email: Email }), response: { 202: Accepted, ...errors(429) },
    },
  }, async (request, reply) => {
    await throttles.passwordReset.take(request.ip, request.body.email);
    accounts.requestPasswordReset(request.body.email);
    return reply.status(202).send({ status: 'accepted' as const });
  });

  app.post('/api/password-reset/confirm', {
    schema: {
      tags: ['accounts'], description: 'Sets the password of a reset link; every session of the account ends and its sockets close on every node.',
      body: Type.Object({ token: LinkToken, password: Password }), response: { 204: Type.Null(), ...errors(400, 410, 422) },
    },
  }, async (request, reply) => {
    await accounts.confirmPasswordReset(request.body.token, request.body.password);
    return reply.status(204).send(null);
  });
}
