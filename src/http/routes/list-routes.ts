import { Type } from '@sinclair/typebox';
import { contentDisposition } from '../content-disposition.ts';
import { LIMITS } from '../../config/limits.ts';
import { AppError } from '../../domain/app-error.ts';
import type { ListService } from '../../lists/list-service.ts';
import type { AttachmentStorage } from '../../shared/attachment-storage.ts';
import { escapeHtml } from '../../mail/templates.ts';
import { ListPostSchema, ListSchema, MyListSchema, PatchListBody, PatchMyListBody } from '../list-schemas.ts';
import { Id, errors } from '../schemas.ts';
import type { Api, RouteDeps } from '../route-deps.ts';

export interface ListRouteDeps {
  lists: ListService;
  attachments: AttachmentStorage;
}

const Params = Type.Object({ id: Id });
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 128 }) });
const tags = ['mailing list'];
/** RFC 8058: the body a one-click POST carries. */
const ONE_CLICK = 'List-Unsubscribe=One-Click';
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>`
    + `<style>body{font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6}</style></head><body>${body}</body></html>`;
}

/**
 * The mailing list over HTTP: its settings (owners change them), each member's delivery,
 * the moderation queue (owners), attachments of posts, and RFC 8058 one-click unsubscribe
 * (`GET` shows what the link does, `POST` does it; no session, the link is signed).
 */
export async function listRoutes(app: Api, { auth }: RouteDeps, { lists, attachments }: ListRouteDeps): Promise<void> {
  app.get('/api/groups/:id/list', {
    schema: { tags, description: 'The group\'s list address and settings (members).', params: Params, response: { 200: Type.Object({ list: ListSchema }), ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { list: await lists.settings(user.id, request.params.id) };
  });

  app.patch('/api/groups/:id/list', {
    schema: {
      tags, description: 'Change the list\'s mode, From rewriting or digest time zone (owners).',
      params: Params, body: PatchListBody, response: { 200: Type.Object({ list: ListSchema }), ...errors(403, 404, 422) },
    },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { list: await lists.updateSettings(user.id, request.params.id, request.body) };
  });

  app.get('/api/groups/:id/list/me', {
    schema: { tags, description: 'How list mail reaches you.', params: Params, response: { 200: MyListSchema, ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return lists.mine(user.id, request.params.id);
  });

  app.patch('/api/groups/:id/list/me', {
    schema: {
      tags, description: 'Every message, a daily digest or none; and whether you get your own posts back.',
      params: Params, body: PatchMyListBody, response: { 200: MyListSchema, ...errors(403, 404) },
    },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return lists.updateMine(user.id, request.params.id, request.body);
  });

  app.get('/api/groups/:id/list/moderation', {
    schema: {
      tags, description: 'Posts waiting for an owner, newest first (owners).', params: Params,
      querystring: Type.Object({ before: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.maxListPage })) }),
      response: { 200: Type.Object({ posts: Type.Array(ListPostSchema) }), ...errors(403, 404) },
    },
  }, async (request) => {
    const user = await auth.requireUser(request);
    const { before, limit = 50 } = request.query;
    return { posts: await lists.queue(user.id, request.params.id, { ...(before !== undefined ? { before } : {}), limit }) };
  });

  app.post('/api/list-posts/:id/approve', {
    schema: { tags, description: 'Publish a held post: it appears in the list room and is mailed (owners).', params: Params, response: { 200: Type.Object({ post: ListPostSchema }), ...errors(403, 404, 409) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { post: await lists.approve(user.id, request.params.id) };
  });

  app.post('/api/list-posts/:id/reject', {
    schema: { tags, description: 'Reject a held post: nobody sees it, nothing is sent back (owners).', params: Params, response: { 200: Type.Object({ post: ListPostSchema }), ...errors(403, 404, 409) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { post: await lists.reject(user.id, request.params.id) };
  });

  app.get('/api/list-attachments/:id', {
    schema: {
      tags, description: 'Download an attachment of a list post (members; owners also of held posts).',
      params: Params, response: { 200: Type.Unsafe<unknown>({ type: 'string', format: 'binary' }), ...errors(403, 404) },
    },
  }, async (request, reply) => {
    const user = await auth.requireUser(request);
    const attachment = await lists.attachment(user.id, request.params.id);
    const stream = await attachments.open(attachment.id).catch(() => {
      throw new AppError('list_attachment_not_found');
    });
    return reply
      .type(attachment.content_type)
      .header('content-length', String(attachment.size))
      .header('content-disposition', contentDisposition(attachment.filename))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .send(stream);
  });

  app.get('/l/unsubscribe/:token', {
    schema: { tags, description: 'What the List-Unsubscribe link does, with a button that does it. Changes nothing (link scanners fetch it).', security: [], params: TokenParams },
  }, async (request, reply) => {
    const { group, email, delivery } = await lists.unsubscribeTarget(request.params.token);
    const done = delivery === 'none';
    const body = done
      ? `<h1>${escapeHtml(group.name)}</h1><p>${escapeHtml(email)} はこのメーリングリストの配信を停止しています。<br>${escapeHtml(email)} gets no mail from this list.</p>`
      : `<h1>${escapeHtml(group.name)}</h1><p>${escapeHtml(email)} へのメール配信を停止しますか？<br>Stop list mail to ${escapeHtml(email)}?</p>`
        + `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">配信停止 / Unsubscribe</button></form>`;
    return reply.type('text/html; charset=utf-8').headers(PAGE_HEADERS).send(page(group.name, body));
  });

  // RFC 8058: mail providers POST `List-Unsubscribe=One-Click` as a form, without cookies or
  // Origin. Its own scope reads any body as bytes, small.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 4096 }, (_request, body, done) => done(null, body));
    (scope as unknown as Api).post('/l/unsubscribe/:token', {
      bodyLimit: 4096,
      schema: { tags, description: `RFC 8058 one-click unsubscribe: the body must contain ${ONE_CLICK}. Sets delivery to none.`, security: [], params: TokenParams },
    }, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body.toString('latin1') : '';
      if (!body.split('&').some((pair) => pair.trim() === ONE_CLICK)) throw new AppError('validation_failed', `The body must be ${ONE_CLICK} (RFC 8058).`);
      const { group } = await lists.unsubscribe(request.params.token);
      return reply.type('text/html; charset=utf-8').headers(PAGE_HEADERS)
        .send(page(group.name, `<h1>${escapeHtml(group.name)}</h1><p>配信を停止しました。<br>You will get no more mail from this list.</p>`));
    });
  });
}
