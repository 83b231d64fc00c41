import { Type } from '@sinclair/typebox';
import { LIMITS } from '../../config/limits.ts';
import { Body, Id, MessageSchema, Name, RoomSchema, UnreadSchema, errors } from '../schemas.ts';
import type { Api, RouteDeps } from '../route-deps.ts';

const RoomParams = Type.Object({ id: Id });
const Seq = Type.Integer({ minimum: 0 });

/** Rooms, history, posting over HTTP (same path as msg:new), read markers. */
export function roomRoutes(signedIn: Api, { groups, talk }: RouteDeps): void {
  signedIn.post('/api/groups/:id/rooms', {
    schema: { tags: ['talk'], params: Type.Object({ id: Id }), body: Type.Object({ name: Name }), response: { 201: Type.Object({ room: RoomSchema }), ...errors(403, 404) } },
  }, async (request, reply) => {
    return reply.status(201).send({ room: await groups.createRoom(request.user.id, request.params.id, request.body.name) });
  });

  signedIn.get('/api/groups/:id/rooms', {
    schema: { tags: ['talk'], params: Type.Object({ id: Id }), response: { 200: Type.Object({ rooms: Type.Array(RoomSchema) }), ...errors(403, 404) } },
  }, async (request) => {
    return { rooms: await groups.rooms(request.user.id, request.params.id) };
  });

  signedIn.get('/api/rooms/:id/messages', {
    schema: {
      tags: ['talk'], description: 'History ascending by seq. before: the newest `limit` below that seq; after: the oldest above it; neither: the newest.',
      params: RoomParams,
      querystring: Type.Object({ before: Type.Optional(Seq), after: Type.Optional(Seq), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.maxHistoryLimit })) }),
      response: { 200: Type.Object({ messages: Type.Array(MessageSchema) }), ...errors(403, 404) },
    },
  }, async (request) => {
    return { messages: await talk.history(request.user.id, request.params.id, request.query) };
  });

  signedIn.post('/api/rooms/:id/messages', {
    schema: {
      tags: ['talk'], params: RoomParams,
      body: Type.Object({
        body: Body,
        client_id: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.maxClientIdLength })),
        reply_to: Type.Optional(Type.Union([Id, Type.Null()])),
        mentions: Type.Optional(Type.Array(Id, { maxItems: LIMITS.maxMentions })),
      }),
      response: { 201: Type.Object({ message: MessageSchema }), ...errors(403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    return reply.status(201).send({ message: await talk.post(request.user.id, request.params.id, request.body) });
  });

  signedIn.put('/api/rooms/:id/read', {
    schema: { tags: ['talk'], params: RoomParams, body: Type.Object({ seq: Seq }), response: { 200: UnreadSchema, ...errors(403, 404) } },
  }, async (request) => {
    return talk.markRead(request.user.id, request.params.id, request.body.seq);
  });
}
