import { Type } from '@sinclair/typebox';
import { GroupSchema, Id, InviteSchema, errors } from '../schemas.ts';
import type { Api, RouteDeps } from '../route-deps.ts';

const Code = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z_-]+$' }) });

/** Invitations by code: create (owners, senders), list, accept, revoke. */
export function inviteRoutes(signedIn: Api, { groups }: RouteDeps): void {
  signedIn.post('/api/groups/:id/invites', {
    schema: {
      tags: ['invites'], params: Type.Object({ id: Id }),
      body: Type.Object({
        expires_in_ms: Type.Optional(Type.Union([Type.Integer({ minimum: 60_000, maximum: 365 * 24 * 3600_000 }), Type.Null()])),
        max_uses: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 100_000 }), Type.Null()])),
      }),
      response: { 201: Type.Object({ code: Type.String(), invite: InviteSchema }), ...errors(403, 404) },
    },
  }, async (request, reply) => {
    const invite = await groups.createInvite(request.user.id, request.params.id, request.body);
    return reply.status(201).send({ code: invite.code, invite });
  });

  signedIn.get('/api/groups/:id/invites', {
    schema: { tags: ['invites'], params: Type.Object({ id: Id }), response: { 200: Type.Object({ invites: Type.Array(InviteSchema) }), ...errors(403, 404) } },
  }, async (request) => {
    return { invites: await groups.invites(request.user.id, request.params.id) };
  });

  signedIn.post('/api/invites/:code/accept', {
    schema: { tags: ['invites'], params: Code, response: { 200: Type.Object({ group: GroupSchema }), ...errors(404, 409, 410) } },
  }, async (request) => {
    return { group: await groups.acceptInvite(request.user.id, request.params.code) };
  });

  signedIn.delete('/api/invites/:code', { schema: { tags: ['invites'], params: Code, response: { 204: Type.Null(), ...errors(403, 404) } } }, async (request, reply) => {
    await groups.revokeInvite(request.user.id, request.params.code);
    return reply.status(204).send(null);
  });
}

/** The preview of an invitation code, signed out too. */
export function publicInviteRoutes(app: Api, { groups }: RouteDeps): void {
  app.get('/api/invites/:code', {
    schema: { tags: ['invites'], description: 'Preview, signed out too: which group and whether the code still works.', params: Code, response: { 200: Type.Object({ group: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String() }), valid: Type.Boolean() }), ...errors(404) } },
  }, async (request) => groups.previewInvite(request.params.code));
}
