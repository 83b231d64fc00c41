import { Type } from '@sinclair/typebox';
import { Id, Name, SubgroupSchema, errors } from '../schemas.ts';
import type { Api, RouteDeps } from '../route-deps.ts';

/** Sub-groups and their leaders (owners manage them; members may list them). */
export function subgroupRoutes(signedIn: Api, { groups }: RouteDeps): void {
  signedIn.post('/api/groups/:id/subgroups', {
    schema: { tags: ['groups'], params: Type.Object({ id: Id }), body: Type.Object({ name: Name }), response: { 201: Type.Object({ subgroup: SubgroupSchema }), ...errors(403, 404) } },
  }, async (request, reply) => {
    return reply.status(201).send({ subgroup: await groups.createSubgroup(request.user.id, request.params.id, request.body.name) });
  });

  signedIn.get('/api/groups/:id/subgroups', {
    schema: { tags: ['groups'], params: Type.Object({ id: Id }), response: { 200: Type.Object({ subgroups: Type.Array(SubgroupSchema) }), ...errors(403, 404) } },
  }, async (request) => {
    return { subgroups: await groups.subgroups(request.user.id, request.params.id) };
  });

  signedIn.put('/api/subgroups/:id/members/:userId', {
    schema: { tags: ['groups'], params: Type.Object({ id: Id, userId: Id }), body: Type.Object({ leader: Type.Optional(Type.Boolean()) }), response: { 204: Type.Null(), ...errors(403, 404) } },
  }, async (request, reply) => {
    await groups.putSubgroupMember(request.user.id, request.params.id, request.params.userId, request.body.leader ?? false);
    return reply.status(204).send(null);
  });

  signedIn.delete('/api/subgroups/:id/members/:userId', {
    schema: { tags: ['groups'], params: Type.Object({ id: Id, userId: Id }), response: { 204: Type.Null(), ...errors(403, 404) } },
  }, async (request, reply) => {
    await groups.removeSubgroupMember(request.user.id, request.params.id, request.params.userId);
    return reply.status(204).send(null);
  });

  signedIn.delete('/api/subgroups/:id', { schema: { tags: ['groups'], params: Type.Object({ id: Id }), response: { 204: Type.Null(), ...errors(403, 404) } } }, async (request, reply) => {
    await groups.deleteSubgroup(request.user.id, request.params.id);
    return reply.status(204).send(null);
  });
}
