import { Type } from '@sinclair/typebox';
import { contentDisposition } from '../content-disposition.ts';
import type { FastifyError } from 'fastify';
import { LIMITS } from '../../config/limits.ts';
import type { AnnouncementService } from '../../announcements/announcement-service.ts';
import { attachmentView } from '../../announcements/announcement-view.ts';
import type { AttachmentService } from '../../announcements/attachment-service.ts';
import { AppError } from '../../domain/app-error.ts';
import {
  AnnouncementSchema, AnswerBody, AttachmentSchema, CreateAnnouncementBody, MailDeliverySchema, MineSchema, PatchAnnouncementBody, StatusSchema,
} from '../announcement-schemas.ts';
import { Id, errors } from '../schemas.ts';
import type { Api, RouteDeps } from '../route-deps.ts';

export interface AnnouncementRouteDeps {
  announcements: AnnouncementService;
  attachments: AttachmentService;
}

const Params = Type.Object({ id: Id });
const tags = ['announcements'];

/**
 * Announcements over HTTP: write, schedule, edit, cancel; list and read; read-confirm and
 * answer; status (JSON and CSV) and reminders for senders; attachments; the signed read links
 * of announcement mail (`GET /r/<token>`); the member's mail preference.
 */
export function announcementRoutes(app: Api, { auth, config }: RouteDeps, { announcements, attachments }: AnnouncementRouteDeps): void {
  app.post('/api/groups/:id/announcements', {
    schema: {
      tags, description: 'Send now, schedule (send_at) or keep as a draft (draft: true). Owners and senders: anyone; sub-group leaders: their sub-groups.',
      params: Params, body: CreateAnnouncementBody, response: { 201: Type.Object({ announcement: AnnouncementSchema }), ...errors(403, 404, 422) },
    },
  }, async (request, reply) => {
    const user = await auth.requireUser(request);
    return reply.status(201).send({ announcement: await announcements.create(user.id, request.params.id, request.body) });
  });

  app.get('/api/groups/:id/announcements', {
    schema: {
      tags, description: 'Newest first: what you received or wrote; owners and senders see every sent one, owners every unsent one.',
      params: Params,
      querystring: Type.Object({ before: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.maxAnnouncementPage })) }),
      response: { 200: Type.Object({ announcements: Type.Array(AnnouncementSchema) }), ...errors(403, 404) },
    },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { announcements: await announcements.list(user.id, request.params.id, request.query) };
  });

  app.get('/api/announcements/:id', {
    schema: { tags, description: 'Marks nothing read (POST …/read does).', params: Params, response: { 200: Type.Object({ announcement: AnnouncementSchema }), ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { announcement: await announcements.get(user.id, request.params.id) };
  });

  app.patch('/api/announcements/:id', {
    schema: {
      tags, description: 'Edit before it goes out (author or owner). draft: false sends a draft (or schedules it with send_at).',
      params: Params, body: PatchAnnouncementBody, response: { 200: Type.Object({ announcement: AnnouncementSchema }), ...errors(403, 404, 409, 422) },
    },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { announcement: await announcements.update(user.id, request.params.id, request.body) };
  });

  app.delete('/api/announcements/:id', {
    schema: { tags, description: 'Cancel before it goes out (author or owner).', params: Params, response: { 204: Type.Null(), ...errors(403, 404, 409) } },
  }, async (request, reply) => {
    const user = await auth.requireUser(request);
    await announcements.cancel(user.id, request.params.id);
    return reply.status(204).send(null);
  });

  app.post('/api/announcements/:id/read', {
    schema: { tags, description: 'Confirms you have read it (recipients).', params: Params, response: { 200: Type.Object({ me: MineSchema }), ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { me: await announcements.markRead(user.id, request.params.id) };
  });

  app.put('/api/announcements/:id/answer', {
    schema: {
      tags, description: 'Give or change your answer until the deadline. Attendance {choice: yes|no|maybe, comment?}; questionnaire {answers}; date poll {slots: {s1: yes, …}, comment?}.',
      params: Params, body: AnswerBody, response: { 200: Type.Object({ me: MineSchema }), ...errors(403, 404, 409, 422) },
    },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { me: await announcements.answer(user.id, request.params.id, request.body) };
  });

  app.get('/api/announcements/:id/status', {
    schema: { tags, description: 'Who has read it and who answered what, with the tally (author, owners, senders).', params: Params, response: { 200: StatusSchema, ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return announcements.status(user.id, request.params.id);
  });

  app.get('/api/announcements/:id/status.csv', {
    schema: {
      tags, description: 'The status as CSV: UTF-8 with BOM, RFC 4180; times in tz (IANA, default UTC).',
      params: Params, querystring: Type.Object({ tz: Type.Optional(Type.String({ maxLength: 64 })) }),
      produces: ['text/csv'], response: { 200: Type.String({ description: 'text/csv' }), ...errors(403, 404) },
    },
  }, async (request, reply) => {
    const user = await auth.requireUser(request);
    const { filename, csv } = await announcements.statusCsv(user.id, request.params.id, request.query.tz);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
  });

  app.post('/api/announcements/:id/remind', {
    schema: {
      tags, description: `Remind every unread recipient now (author, owners, senders); at most once per ${LIMITS.manualRemindMinIntervalMs / 60_000} minutes.`,
      params: Params, response: { 200: Type.Object({ reminded: Type.Integer() }), ...errors(403, 404, 409, 429) },
    },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return announcements.remindNow(user.id, request.params.id);
  });

  app.get('/r/:token', {
    schema: {
      tags, description: 'The signed read link of an announcement mail: marks it read for that recipient (while still a member), then 303 to the announcement page. No session needed.',
      security: [], params: Type.Object({ token: Type.String({ minLength: 1, maxLength: 256 }) }),
      response: { 303: Type.Null(), 400: errors()[400]!, 403: errors(403)[403]!, 404: errors(404)[404]!, 410: errors(410)[410]! },
    },
  }, async (request, reply) => {
    const { announcement_id } = await announcements.readByLink(request.params.token);
    return reply.redirect(`${config.publicUrl}/#/announcements/${announcement_id}`, 303);
  });

  app.get('/api/groups/:id/me/mail', {
    schema: { tags, params: Params, response: { 200: Type.Object({ delivery: MailDeliverySchema }), ...errors(403, 404) } },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { delivery: await announcements.mailDelivery(user.id, request.params.id) };
  });

  app.put('/api/groups/:id/me/mail', {
    schema: {
      tags, description: 'How mail from this group reaches you.', params: Params, body: Type.Object({ delivery: MailDeliverySchema }),
      response: { 200: Type.Object({ delivery: MailDeliverySchema }), ...errors(403, 404) },
    },
  }, async (request) => {
    const user = await auth.requireUser(request);
    return { delivery: await announcements.setMailDelivery(user.id, request.params.id, request.body.delivery) };
  });

  app.get('/api/attachments/:id', {
    schema: {
      tags, description: 'Download an attachment (recipients and senders of its announcement; the uploader before it is attached).',
      params: Params, response: { 200: Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'the file' }), ...errors(403, 404) },
    },
  }, async (request, reply) => {
    const user = await auth.requireUser(request);
    const { attachment, stream } = await attachments.open(user.id, request.params.id);
    return reply
      .type(attachment.content_type)
      .header('content-length', String(attachment.size))
      .header('content-disposition', contentDisposition(attachment.filename))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .send(stream);
  });

  // The upload takes the file itself as the body, so it gets its own scope: the JSON and text
  // parsers are removed and any Content-Type is read as bytes (the service refuses types not
  // in LIMITS.attachmentTypes), up to the attachment limit instead of the JSON one.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMITS.maxAttachmentBytes }, (_request, body, done) => done(null, body));
    (scope as unknown as Api).post('/api/groups/:id/attachments', {
      bodyLimit: LIMITS.maxAttachmentBytes,
      schema: {
        tags, description: `Upload a file to attach: the body is the file, Content-Type its type, X-Filename its name (percent-encoded UTF-8). At most ${LIMITS.maxAttachmentBytes / 1024 / 1024} MB.`,
        params: Params, headers: Type.Object({ 'x-filename': Type.Optional(Type.String({ maxLength: 1024 })) }),
        response: { 201: Type.Object({ attachment: AttachmentSchema }), ...errors(403, 404, 413, 415) },
      },
      errorHandler: (error: FastifyError) => {
        if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new AppError('attachment_too_large', undefined, { max_bytes: LIMITS.maxAttachmentBytes });
        throw error;
      },
    }, async (request, reply) => {
      const user = await auth.requireUser(request);
      const data = request.body;
      if (!Buffer.isBuffer(data)) throw new AppError('validation_failed', 'body: send the file itself as the body, with its own Content-Type.', { field: 'body' });
      const attachment = await attachments.upload(user.id, request.params.id, {
        filename: decodeFilename(request.headers['x-filename']),
        contentType: request.headers['content-type'] ?? '',
        data,
      });
      return reply.status(201).send({ attachment: attachmentView(attachment) });
    });
  });
}

function decodeFilename(raw: string | undefined): string {
  if (raw === undefined) return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

