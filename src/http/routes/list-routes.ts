import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../config/limits.ts';
import { AppError } from '../../domain/app-error.ts';
import type { ListService } from '../../lists/list-service.ts';
import type { AttachmentStorage } from '../../shared/attachment-storage.ts';
import { ListPostSchema, ListSchema, MyListSchema, PatchListBody, PatchMyListBody } from '../list-schemas.ts';
import { Id, errors } from '../schemas.ts';
import { unsubscribeQuestionPage, unsubscribedPage } from '../pages/unsubscribe-page.ts';
import { rawBodyScope } from '../raw-body-scope.ts';
import type { Api } from '../route-deps.ts';
import { sendDownload } from '../send-download.ts';
import { sendPage } from '../send-page.ts';

export interface ListRouteDeps {
  lists: ListService;
  attachments: AttachmentStorage;
}

const Params = Type.Object({ id: Id });
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 128 }) });
const tags = ['mailing list'];
/** RFC 8058: the body a one-click POST carries. */
const ONE_CLICK = 'List-Unsubscribe=One-Click';

/**
 * The mailing list over HTTP: its settings (owners change them), each member's delivery,
 * the moderation queue (owners), attachments of posts.
 */
export function listRoutes(signedIn: Api, { lists, attachments }: ListRouteDeps): void {
  signedIn.get('/api/groups/:id/list', {
    schema: { tags, description: 'The group\'s list address and settings (members).', params: Params, response: { 200: Type.Object({ list: ListSchema }), ...errors(403, 404) } },
  }, async (request) => {
    return { list: await lists.settings(request.user.id, request.params.id) };
  });

  signedIn.patch('/api/groups/:id/list', {
    schema: {
      tags, description: 'Change the list\'s mode, From rewriting or digest time zone (owners).',
      params: Params, body: PatchListBody, response: { 200: Type.Object({ list: ListSchema }), ...errors(403, 404, 422) },
    },
  }, async (request) => {
    return { list: await lists.updateSettings(request.user.id, request.params.id, request.body) };
  });

  signedIn.get('/api/groups/:id/list/me', {
    schema: { tags, description: 'How list mail reaches you.', params: Params, response: { 200: MyListSchema, ...errors(403, 404) } },
  }, async (request) => {
    return lists.mine(request.user.id, request.params.id);
  });

  signedIn.patch('/api/groups/:id/list/me', {
    schema: {
      tags, description: 'Every message, a daily digest or none; and whether you get your own posts back.',
      params: Params, body: PatchMyListBody, response: { 200: MyListSchema, ...errors(403, 404) },
    },
  }, async (request) => {
    return lists.updateMine(request.user.id, request.params.id, request.body);
  });

  signedIn.get('/api/groups/:id/list/moderation', {
    schema: {
      tags, description: 'Posts waiting for an owner, newest first (owners).', params: Params,
      querystring: Type.Object({ before: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.maxListPage })) }),
      response: { 200: Type.Object({ posts: Type.Array(ListPostSchema) }), ...errors(403, 404) },
    },
  }, async (request) => {
    const { before, limit = 50 } = request.query;
    return { posts: await lists.queue(request.user.id, request.params.id, { ...(before !== undefined ? { before } : {}), limit }) };
  });

  signedIn.post('/api/list-posts/:id/approve', {
    schema: { tags, description: 'Publish a held post: it appears in the list room and is mailed (owners).', params: Params, response: { 200: Type.Object({ post: ListPostSchema }), ...errors(403, 404, 409) } },
  }, async (request) => {
    return { post: await lists.approve(request.user.id, request.params.id) };
  });

  signedIn.post('/api/list-posts/:id/reject', {
    schema: { tags, description: 'Reject a held post: nobody sees it, nothing is sent back (owners).', params: Params, response: { 200: Type.Object({ post: ListPostSchema }), ...errors(403, 404, 409) } },
  }, async (request) => {
    return { post: await lists.reject(request.user.id, request.params.id) };
  });

  signedIn.get('/api/list-attachments/:id', {
    schema: {
      tags, description: 'Download an attachment of a list post (members; owners also of held posts).',
      params: Params, response: { 200: Type.Unsafe<unknown>({ type: 'string', format: 'binary' }), ...errors(403, 404) },
    },
  }, async (request, reply) => {
    const attachment = await lists.attachment(request.user.id, request.params.id);
    const stream = await attachments.open(attachment.id).catch(() => {
      throw new AppError('list_attachment_not_found');
    });
    return sendDownload(reply, attachment, stream);
  });
}

/**
 * RFC 8058 one-click unsubscribe: `GET` shows what the link does, `POST` does it; no session,
 * the link is signed.
 */
export function publicListRoutes(app: Api, { lists }: Pick<ListRouteDeps, 'lists'>): void {
  app.get('/l/unsubscribe/:token', {
    schema: { tags, description: 'What the List-Unsubscribe link does, with a button that does it. Changes nothing (link scanners fetch it).', security: [], params: TokenParams },
  }, async (request, reply) => {
    const { group, email, delivery } = await lists.unsubscribeTarget(request.params.token);
    return sendPage(reply, 200, unsubscribeQuestionPage(group.name, email, delivery === 'none'));
  });

  // RFC 8058: mail providers POST `List-Unsubscribe=One-Click` as a form, without cookies or
  // Origin. Its own scope reads any body as bytes, small.
  rawBodyScope(app, LIMITS.maxPageFormBytes, (scope) => {
    scope.post('/l/unsubscribe/:token', {
      bodyLimit: LIMITS.maxPageFormBytes,
      schema: { tags, description: `RFC 8058 one-click unsubscribe: the body must contain ${ONE_CLICK}. Sets delivery to none.`, security: [], params: TokenParams },
    }, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body.toString('latin1') : '';
      if (!body.split('&').some((pair) => pair.trim() === ONE_CLICK)) throw new AppError('validation_failed', `The body must be ${ONE_CLICK} (RFC 8058).`);
      const { group } = await lists.unsubscribe(request.params.token);
      return sendPage(reply, 200, unsubscribedPage(group.name));
    });
  });
}
