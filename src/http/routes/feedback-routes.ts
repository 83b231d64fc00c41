import { Type } from '@sinclair/typebox';
import type { AnnouncementService } from '../../announcements/announcement-service.ts';
import { AppError, isAppError } from '../../domain/app-error.ts';
import { ERROR_CODES } from '../../domain/error-codes.ts';
import { JOIN_REQUEST_STATUSES } from '../../mail/feedback/feedback-repository.ts';
import type { MailFeedback } from '../../mail/feedback/index.ts';
import type { JoinRequestView } from '../../mail/feedback/mail-joins.ts';
import { escapeHtml } from '../../mail/templates.ts';
import { Id, Name, Password, errors } from '../schemas.ts';
import type { Api, RouteDeps } from '../route-deps.ts';

export interface FeedbackRouteDeps {
  feedback: MailFeedback;
  announcements: Pick<AnnouncementService, 'statusSummary'>;
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
const PAGE_CSP = "default-src 'none'; form-action 'self'; style-src 'unsafe-inline'";

/** The confirmation page of a join by mail: plain HTML, no script, every value escaped. */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family: sans-serif; max-width: 36em; margin: 2em auto; padding: 0 1em"><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function joinPage(view: JoinRequestView, token: string): string {
  const group = escapeHtml(view.group.name);
  switch (view.status) {
    case 'joined': return page(view.group.name, `<p>「${group}」に参加しました。 / You joined "${group}".</p>`);
    case 'pending': return page(view.group.name, `<p>代表者の承認を待っています。 / An owner of "${group}" will approve your request.</p>`);
    case 'rejected': return page(view.group.name, `<p>この申し込みは受け付けられませんでした。 / This request was declined.</p>`);
    case 'unconfirmed': {
      const account = view.account_exists ? '' :
        `<p><label>お名前 / Name<br><input name="name" required maxlength="100"></label></p><p><label>パスワード / Password (new account)<br><input name="password" type="password" required minlength="8"></label></p>`;
      return page(view.group.name,
        `<p>${escapeHtml(view.address)} で「${group}」に参加します。 / Join "${group}" as ${escapeHtml(view.address)}.</p>` +
        `<form method="post" action="/mail-join/${encodeURIComponent(token)}">${account}<p><button type="submit">参加する / Join</button></p></form>`);
    }
  }
}

/**
 * Mail feedback over HTTP: the confirmation link of a join by mail (an HTML page and a form,
 * or JSON under /api), owners' approval of confirmed requests and the group's join policy,
 * members' bounce standing for owners (and unpausing), and the replies to an announcement
 * that were not answers, for those who see its status.
 */
export function feedbackRoutes(app: Api, { auth }: RouteDeps, { feedback, announcements }: FeedbackRouteDeps): void {
  const { joins, scores } = feedback;
  const { store } = feedback.deps;

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
  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    const html = async (token: string, act: () => Promise<JoinRequestView>): Promise<{ status: number; body: string }> => {
      try {
        return { status: 200, body: joinPage(await act(), token) };
      } catch (error) {
        if (!isAppError(error)) throw error;
        return { status: error.status, body: page('Renraku', `<p>${escapeHtml(ERROR_CODES[error.code].message)}</p>`) };
      }
    };
    scope.get('/mail-join/:token', { schema: { hide: true, params: Token } }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const out = await html(token, () => joins.preview(token));
      return reply.status(out.status).header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(out.body);
    });
    scope.post('/mail-join/:token', { schema: { hide: true, params: Token } }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const form = (request.body ?? {}) as Record<string, unknown>;
      const text = (key: string): string | undefined => (typeof form[key] === 'string' && form[key] !== '' ? (form[key] as string) : undefined);
      const name = text('name');
      const password = text('password');
      const out = await html(token, () => joins.confirm(token, { ...(name !== undefined ? { name } : {}), ...(password !== undefined ? { password } : {}) }));
      return reply.status(out.status).header('content-security-policy', PAGE_CSP).type('text/html; charset=utf-8').send(out.body);
    });
  });

  app.get('/api/groups/:id/mail-joins', {
    schema: { tags, description: 'Join requests made by mail (owners).', params: GroupParams, querystring: Type.Object({ status: Type.Optional(JoinStatus) }), response: { 200: Type.Object({ requests: Type.Array(JoinRequestSchema) }), ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { requests: await joins.list(user.id, request.params.id, request.query.status) };
  });

  for (const [verb, approve] of [['approve', true], ['reject', false]] as const) {
    app.post(`/api/groups/:id/mail-joins/:request_id/${verb}`, {
      schema: { tags, description: `${approve ? 'Approves' : 'Rejects'} a confirmed join request (owners).`, params: Type.Object({ id: Id, request_id: Id }), response: { 200: Type.Object({ request: JoinRequestSchema }), ...errors(403, 404, 409) } },
    }, async (request) => {
      const user = await auth.requireUser(request);
      return { request: await joins.decide(user.id, request.params.id, request.params.request_id, approve) };
    });
  }

  app.get('/api/groups/:id/mail-join-policy', {
    schema: { tags, params: GroupParams, response: { 200: Type.Object({ joins_directly: Type.Boolean() }), ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { joins_directly: await joins.joinsDirectly(user.id, request.params.id) };
  });

  app.put('/api/groups/:id/mail-join-policy', {
    schema: { tags, description: 'joins_directly: a confirmed join by mail adds the member at once (else an owner approves; the default).', params: GroupParams, body: Type.Object({ joins_directly: Type.Boolean() }), response: { 200: Type.Object({ joins_directly: Type.Boolean() }), ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { joins_directly: await joins.setJoinsDirectly(user.id, request.params.id, request.body.joins_directly) };
  });

  app.get('/api/groups/:id/mail-bounces', {
    schema: { tags, description: 'Members whose mail bounced: score (hard 1, soft 0.5, once a day), paused when it reached the threshold (owners).', params: GroupParams, response: { 200: Type.Object({ threshold: Type.Number(), members: Type.Array(BounceSchema) }), ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    await feedback.deps.groups.access(user.id, request.params.id, 'manageMembers');
    const members = await store.groups.listMembers(request.params.id);
    const byId = new Map(members.map((m) => [m.user_id, m]));
    const standings = (await store.feedback.standings(members.map((m) => m.user_id))).filter((s) => s.score > 0 || s.paused_at !== null);
    return {
      threshold: scores.policy.threshold,
      members: standings.map((s) => ({ ...s, name: byId.get(s.user_id)?.name ?? '', email: byId.get(s.user_id)?.email ?? '' })),
    };
  });

  app.post('/api/groups/:id/mail-bounces/:user_id/unpause', {
    schema: { tags, description: 'Mail to the member flows again and the score starts from 0 (owners).', params: Type.Object({ id: Id, user_id: Id }), response: { 200: Type.Object({ unpaused: Type.Boolean() }), ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    await feedback.deps.groups.access(user.id, request.params.id, 'manageMembers');
    if (!(await store.groups.getMembership(request.params.id, request.params.user_id))) throw new AppError('member_not_found');
    return { unpaused: await scores.unpause(request.params.user_id) };
  });

  app.get('/api/announcements/:id/mail-replies', {
    schema: { tags, description: 'Replies by mail: answers, refused answers and comments (author, owners, senders).', params: Type.Object({ id: Id }), response: { 200: Type.Object({ replies: Type.Array(ReplySchema) }), ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    await announcements.statusSummary(user.id, request.params.id);
    const replies = await store.feedback.listReplies(request.params.id);
    return { replies: replies.map(({ announcement_id: _omit, ...reply }) => reply) };
  });
}
