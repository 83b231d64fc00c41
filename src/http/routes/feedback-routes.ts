import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../config/limits.ts';
import type { AnnouncementService } from '../../announcements/announcement-service.ts';
import { isAppError } from '../../domain/app-error.ts';
import { ERROR_CODES } from '../../domain/error-codes.ts';
import { JOIN_REQUEST_STATUSES } from '../../mail/feedback/feedback-repository.ts';
import type { MailFeedback } from '../../mail/feedback/index.ts';
import type { JoinRequestView } from '../../mail/feedback/mail-joins.ts';
import { Id, Name, Password, errors } from '../schemas.ts';
import { mailJoinErrorPage, mailJoinPage } from '../pages/mail-join-page.ts';
import type { Api } from '../route-deps.ts';
import { sendPage } from '../send-page.ts';

export interface FeedbackRouteDeps {
  feedback: MailFeedback;
  announcements: Pick<AnnouncementService, 'mailReplies'>;
}

const Token = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
const GroupParams = Type.Object({ id: Id });
const JoinStatus = Type.Union(JOIN_REQUEST_STATUSES.map((s) => Type.Literal(s)));
const JoinRequestViewSchema = Type.Object({
  id: Type.String(), status: JoinStatus, address: Type.String(), account_exists: Type.Boolean(), created_at: Type.Number(),
  group: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String() }),
});
const JoinRequestSchema = Type.Object({
  id: Type.String(), group_id: Type.String(), address: Type.String(), status: JoinStatus, source_mail_id: Type.String(), user_id: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.Number(), confirmed_at: Type.Union([Type.Number(), Type.Null()]), decided_at: Type.Union([Type.Number(), Type.Null()]), decided_by: Type.Union([Type.String(), Type.Null()]),
});
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);
const BounceSchema = Type.Object({
  user_id: Type.String(), name: Type.String(), email: Type.String(), score: Type.Number(), last_raised_at: Nullable(Type.Number()), paused_at: Nullable(Type.Number()),
});
const ReplySchema = Type.Object({
  mail_id: Type.String(), user_id: Type.String(), outcome: Type.String(), choice: Nullable(Type.String()), comment: Nullable(Type.String()), error: Nullable(Type.String()), received_at: Type.Number(),
});
const ConfirmBody = Type.Object({ name: Type.Optional(Name), password: Type.Optional(Password) }, { additionalProperties: false });
const tags = ['mail'];

/**
 * Mail feedback over HTTP: owners' approval of confirmed joins by mail and the group's join
 * policy, members' bounce standing for owners (and unpausing), and the replies to an
 * announcement that were not answers, for those who see its status.
 */
export function feedbackRoutes(signedIn: Api, { feedback, announcements }: FeedbackRouteDeps): void {
  const { joins, standings } = feedback;

  signedIn.get('/api/groups/:id/mail-joins', {
    schema: { tags, description: 'Join requests made by mail (owners).', params: GroupParams, querystring: Type.Object({ status: Type.Optional(JoinStatus) }), response: { 200: Type.Object({ requests: Type.Array(JoinRequestSchema) }), ...errors(403, 404) } },
  }, async (request) => {
    return { requests: await joins.list(request.user.id, request.params.id, request.query.status) };
  });

  for (const [verb, approve] of [['approve', true], ['reject', false]] as const) {
    signedIn.post(`/api/groups/:id/mail-joins/:request_id/${verb}`, {
      schema: { tags, description: `${approve ? 'Approves' : 'Rejects'} a confirmed join request (owners).`, params: Type.Object({ id: Id, request_id: Id }), response: { 200: Type.Object({ request: JoinRequestSchema }), ...errors(403, 404, 409) } },
    }, async (request) => {
      return { request: await joins.decide(request.user.id, request.params.id, request.params.request_id, approve) };
    });
  }

  signedIn.get('/api/groups/:id/mail-join-policy', {
    schema: { tags, params: GroupParams, response: { 200: Type.Object({ joins_directly: Type.Boolean() }), ...errors(403, 404) } },
  }, async (request) => {
    return { joins_directly: await joins.joinsDirectly(request.user.id, request.params.id) };
  });

  signedIn.put('/api/groups/:id/mail-join-policy', {
    schema: { tags, description: 'joins_directly: a confirmed join by mail adds the member at once (else an owner approves; the default).', params: GroupParams, body: Type.Object({ joins_directly: Type.Boolean() }), response: { 200: Type.Object({ joins_directly: Type.Boolean() }), ...errors(403, 404) } },
  }, async (request) => {
    return { joins_directly: await joins.setJoinsDirectly(request.user.id, request.params.id, request.body.joins_directly) };
  });

  signedIn.get('/api/groups/:id/mail-bounces', {
    schema: { tags, description: 'Members whose mail bounced: score (hard 1, soft 0.5, once a day), paused when it reached the threshold (owners).', params: GroupParams, response: { 200: Type.Object({ threshold: Type.Number(), members: Type.Array(BounceSchema) }), ...errors(403, 404) } },
  }, async (request) => {
    return standings.list(request.user.id, request.params.id);
  });

  signedIn.post('/api/groups/:id/mail-bounces/:user_id/unpause', {
    schema: { tags, description: 'Mail to the member flows again and the score starts from 0 (owners).', params: Type.Object({ id: Id, user_id: Id }), response: { 200: Type.Object({ unpaused: Type.Boolean() }), ...errors(403, 404) } },
  }, async (request) => {
    return { unpaused: await standings.unpause(request.user.id, request.params.id, request.params.user_id) };
  });

  signedIn.get('/api/announcements/:id/mail-replies', {
    schema: { tags, description: 'Replies by mail: answers, refused answers and comments (author, owners, senders).', params: Type.Object({ id: Id }), response: { 200: Type.Object({ replies: Type.Array(ReplySchema) }), ...errors(403, 404) } },
  }, async (request) => {
    return { replies: await announcements.mailReplies(request.user.id, request.params.id) };
  });
}

/**
 * The confirmation link of a join by mail, no session needed (the link is the proof): an HTML
 * page and its form, or JSON under /api.
 */
export function publicFeedbackRoutes(app: Api, { feedback }: Pick<FeedbackRouteDeps, 'feedback'>): void {
  const { joins } = feedback;
  app.get('/api/mail-joins/:token', {
    schema: { tags, security: [], description: 'What a join confirmation link is about. No session needed: the link is the proof.', params: Token, response: { 200: Type.Object({ request: JoinRequestViewSchema }), ...errors(404, 410) } },
  }, async (request) => ({ request: await joins.preview(request.params.token) }));

  app.post('/api/mail-joins/:token', {
    schema: {
      tags, security: [], description: 'Confirms a join by mail. Without an account for the address, name and password create one. Joins at once, or waits for an owner, per the group.',
      params: Token, body: ConfirmBody, response: { 200: Type.Object({ request: JoinRequestViewSchema }), ...errors(404, 409, 410, 422) },
    },
  }, async (request) => ({ request: await joins.confirm(request.params.token, request.body) }));

  // The link in the mail opens a page; its form posts back here (GET never confirms: mail scanners follow links).
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: LIMITS.maxPageFormBytes }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    const html = async (token: string, act: () => Promise<JoinRequestView>): Promise<{ status: number; body: string }> => {
      try {
        return { status: 200, body: mailJoinPage(await act(), token) };
      } catch (error) {
        if (!isAppError(error)) throw error;
        return { status: error.status, body: mailJoinErrorPage(ERROR_CODES[error.code].message) };
      }
    };
    scope.get('/mail-join/:token', { schema: { hide: true, params: Token } }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const out = await html(token, () => joins.preview(token));
      return sendPage(reply, out.status, out.body);
    });
    scope.post('/mail-join/:token', { schema: { hide: true, params: Token } }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const form = (request.body ?? {}) as Record<string, unknown>;
      const text = (key: string): string | undefined => (typeof form[key] === 'string' && form[key] !== '' ? (form[key] as string) : undefined);
      const name = text('name');
      const password = text('password');
      const out = await html(token, () => joins.confirm(token, { ...(name !== undefined ? { name } : {}), ...(password !== undefined ? { password } : {}) }));
      return sendPage(reply, out.status, out.body);
    });
  });
}
