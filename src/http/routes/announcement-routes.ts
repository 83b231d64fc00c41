import { Type } from '@sinclair/typebox';
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
import { rawBodyScope } from '../raw-body-scope.ts';
import type { Api, RouteDeps } from '../route-deps.ts';
import { sendDownload } from '../send-download.ts';

export interface AnnouncementRouteDeps {
  announcements: AnnouncementService;
  attachments: AttachmentService;
}

const Params = Type.Object({ id: Id });
const tags = ['announcements'];

/**
 * Announcements over HTTP: write, schedule, edit, cancel; list and read; read-confirm and
 * answer; status (JSON and CSV) and reminders for senders; attachments; the member's mail
 * preference.
 */
export function announcementRoutes(signedIn: Api, { announcements, attachments }: AnnouncementRouteDeps): void {
  signedIn.post('/api/groups/:id/announcements', {
    schema: {
      tags, description: 'Send now, schedule (send_at) or keep as a draft (draft: true). Owners and senders: anyone; sub-group leaders: their sub-groups.',
      params: Params, body: CreateAnnouncementBody, response: { 201: Type.Object({ announcement: AnnouncementSchema }), ...errors(403, 404, 422) },
    },
  }, async (request, reply) => {
    return reply.status(201).send({ announcement: await announcements.create(request.user.id, request.params.id, request.body) });
  });

  signedIn.get('/api/groups/:id/announcements', {
    schema: {
      tags, description: 'Newest first: what you received or wrote; owners and senders see every sent one, owners every unsent one.',
      params: Params,
      querystring: Type.Object({ before: Type.Optional(Id), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.maxAnnouncementPage })) }),
      response: { 200: Type.Object({ announcements: Type.Array(AnnouncementSchema) }), ...errors(403, 404) },
    },
  }, async (request) => {
    return { announcements: await announcements.list(request.user.id, request.params.id, request.query) };
  });

  signedIn.get('/api/announcements/:id', {
    schema: { tags, description: 'Marks nothing read (POST …/read does).', params: Params, response: { 200: Type.Object({ announcement: AnnouncementSchema }), ...errors(403, 404) } },
  }, async (request) => {
    return { announcement: await announcements.get(request.user.id, request.params.id) };
  });

  signedIn.patch('/api/announcements/:id', {
    schema: {
      tags, description: 'Edit before it goes out (author or owner). draft: false sends a draft (or schedules it with send_at).',
      params: Params, body: PatchAnnouncementBody, response: { 200: Type.Object({ announcement: AnnouncementSchema }), ...errors(403, 404, 409, 422) },
    },
  }, async (request) => {
    return { announcement: await announcements.update(request.user.id, request.params.id, request.body) };
  });

  signedIn.delete('/api/announcements/:id', {
    schema: { tags, description: 'Cancel before it goes out (author or owner).', params: Params, response: { 204: Type.Null(), ...errors(403, 404, 409) } },
  }, async (request, reply) => {
    await announcements.cancel(request.user.id, request.params.id);
    return reply.status(204).send(null);
  });

  signedIn.post('/api/announcements/:id/read', {
    schema: { tags, description: 'Confirms you have read it (recipients).', params: Params, response: { 200: Type.Object({ me: MineSchema }), ...errors(403, 404) } },
  }, async (request) => {
    return { me: await announcements.markRead(request.user.id, request.params.id) };
  });

  signedIn.put('/api/announcements/:id/answer', {
    schema: {
      tags, description: 'Give or change your answer until the deadline. Attendance {choice: yes|no|maybe, comment?}; questionnaire {answers}; date poll {slots: {s1: yes, …}, comment?}.',
      params: Params, body: AnswerBody, response: { 200: Type.Object({ me: MineSchema }), ...errors(403, 404, 409, 422) },
    },
  }, async (request) => {
    return { me: await announcements.answer(request.user.id, request.params.id, request.body) };
  });

  signedIn.get('/api/announcements/:id/status', {
    schema: { tags, description: 'Who has read it and who answered what, with the tally (author, owners, senders).', params: Params, response: { 200: StatusSchema, ...errors(403, 404) } },
  }, async (request) => {
    return announcements.status(request.user.id, request.params.id);
  });

  signedIn.get('/api/announcements/:id/status.csv', {
    schema: {
      tags, description: 'The status as CSV: UTF-8 with BOM, RFC 4180; times in tz (IANA, default UTC).',
      params: Params, querystring: Type.Object({ tz: Type.Optional(Type.String({ maxLength: 64 })) }),
      produces: ['text/csv'], response: { 200: Type.String({ description: 'text/csv' }), ...errors(403, 404) },
    },
  }, async (request, reply) => {
    const { filename, csv } = await announcements.statusCsv(request.user.id, request.params.id, request.query.tz);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
  });

  signedIn.post('/api/announcements/:id/remind', {
    schema: {
      tags, description: `Remind every unread recipient now (author, owners, senders); at most once per ${LIMITS.manualRemindMinIntervalMs / 60_000} minutes.`,
      params: Params, response: { 200: Type.Object({ reminded: Type.Integer() }), ...errors(403, 404, 409, 429) },
    },
  }, async (request) => {
    return announcements.remindNow(request.user.id, request.params.id);
  });

  signedIn.get('/api/groups/:id/me/mail', {
    schema: { tags, params: Params, response: { 200: Type.Object({ delivery: MailDeliverySchema }), ...errors(403, 404) } },
  }, async (request) => {
    return { delivery: await announcements.mailDelivery(request.user.id, request.params.id) };
  });

  signedIn.put('/api/groups/:id/me/mail', {
    schema: {
      tags, description: 'How mail from this group reaches you.', params: Params, body: Type.Object({ delivery: MailDeliverySchema }),
      response: { 200: Type.Object({ delivery: MailDeliverySchema }), ...errors(403, 404) },
    },
  }, async (request) => {
    return { delivery: await announcements.setMailDelivery(request.user.id, request.params.id, request.body.delivery) };
  });

  signedIn.get('/api/attachments/:id', {
    schema: {
      tags, description: 'Download an attachment (recipients and senders of its announcement; the uploader before it is attached).',
      params: Params, response: { 200: Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'the file' }), ...errors(403, 404) },
    },
  }, async (request, reply) => {
    const { attachment, stream } = await attachments.open(request.user.id, request.params.id);
    return sendDownload(reply, attachment, stream);
  });

  // The upload takes the file itself as the body: any Content-Type is read as bytes (the service
  // refuses types not in LIMITS.attachmentTypes), up to the attachment limit instead of the JSON one.
  rawBodyScope(signedIn, LIMITS.maxAttachmentBytes, (scope) => {
    scope.post('/api/groups/:id/attachments', {
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
      const data = request.body;
      if (!Buffer.isBuffer(data)) throw new AppError('validation_failed', 'body: send the file itself as the body, with its own Content-Type.', { field: 'body' });
      const attachment = await attachments.upload(request.user.id, request.params.id, {
        filename: decodeFilename(request.headers['x-filename']),
        contentType: request.headers['content-type'] ?? '',
        data,
      });
      return reply.status(201).send({ attachment: attachmentView(attachment) });
    });
  });
}

/** The signed read links of announcement mail (`GET /r/<token>`): no session, the link is the proof. */
export function publicAnnouncementRoutes(app: Api, { config }: RouteDeps, { announcements }: Pick<AnnouncementRouteDeps, 'announcements'>): void {
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
}

function decodeFilename(raw: string | undefined): string {
  if (raw === undefined) return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
