import { Type } from '@sinclair/typebox';
import { GroupSchema, Id, MemberSchema, Name, RoleSchema, Slug, errors } from '../schemas.ts';
import type { Api, RouteDeps } from '../route-deps.ts';

const GroupParams = Type.Object({ id: Id });

/** Groups, members and roles. */
export function groupRoutes(signedIn: Api, { groups }: RouteDeps): void {
  signedIn.post('/api/groups', {
    schema: { tags: ['groups'], body: Type.Object({ name: Name, slug: Slug }), response: { 201: Type.Object({ group: GroupSchema }), ...errors(409) } },
  }, async (request, reply) => {
    return reply.status(201).send({ group: await groups.create(request.user.id, request.body) });
  });

  signedIn.get('/api/groups', { schema: { tags: ['groups'], response: { 200: Type.Object({ groups: Type.Array(GroupSchema) }), ...errors() } } }, async (request) => {
    return { groups: await groups.list(request.user.id) };
  });

  signedIn.get('/api/groups/:id', { schema: { tags: ['groups'], params: GroupParams, response: { 200: Type.Object({ group: GroupSchema }), ...errors(403, 404) } } }, async (request) => {
    return { group: await groups.get(request.user.id, request.params.id) };
  });

  signedIn.patch('/api/groups/:id', {
    schema: {
      tags: ['groups'], description: 'Change the group\'s settings (owners).', params: GroupParams,
      body: Type.Object({ member_emails_visible: Type.Optional(Type.Boolean({ description: 'Let plain members see members\' email addresses.' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ member_emails_visible: Type.Boolean() }), ...errors(403, 404) },
    },
  }, async (request) => {
    return groups.updateSettings(request.user.id, request.params.id, request.body);
  });

  signedIn.get('/api/groups/:id/members', {
    schema: { tags: ['groups'], description: 'Every member; email addresses for owners and senders, or for all when the group sets member_emails_visible.', params: GroupParams, response: { 200: Type.Object({ members: Type.Array(MemberSchema) }), ...errors(403, 404) } },
  }, async (request) => {
    return { members: await groups.members(request.user.id, request.params.id) };
  });

  signedIn.patch('/api/groups/:id/members/:userId', {
    schema: { tags: ['groups'], params: Type.Object({ id: Id, userId: Id }), body: Type.Object({ role: RoleSchema }), response: { 200: Type.Object({ role: RoleSchema }), ...errors(403, 404, 409) } },
  }, async (request) => {
    const m = await groups.setRole(request.user.id, request.params.id, request.params.userId, request.body.role);
    return { role: m.role };
  });

  signedIn.delete('/api/groups/:id/members/:userId', {
    schema: { tags: ['groups'], description: 'Remove a member (owners), or leave (your own id). Their channels of this group close at once.', params: Type.Object({ id: Id, userId: Id }), response: { 204: Type.Null(), ...errors(403, 404, 409) } },
  }, async (request, reply) => {
    await groups.removeMember(request.user.id, request.params.id, request.params.userId);
    return reply.status(204).send(null);
  });

  signedIn.post('/api/groups/:id/leave', { schema: { tags: ['groups'], params: GroupParams, response: { 204: Type.Null(), ...errors(403, 404, 409) } } }, async (request, reply) => {
    await groups.removeMember(request.user.id, request.params.id, request.user.id);
    return reply.status(204).send(null);
  });
}
