import { Type } from '@sinclair/typebox';
import type { Api } from '../route-deps.ts';

export interface HealthRouteDeps {
  /** Resolves when the store answers (readiness). */
  storeReady: () => Promise<void>;
  isDraining: () => boolean;
}

/** Liveness (the process answers) and readiness (the store answers; not draining). */
export function healthRoutes(app: Api, { storeReady, isDraining }: HealthRouteDeps): void {
  app.get('/healthz', { schema: { tags: ['ops'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: { tags: ['ops'], response: { 200: Type.Object({ status: Type.String() }), 503: Type.Object({ status: Type.String(), reason: Type.String() }) } },
  }, async (_request, reply) => {
    if (isDraining()) return reply.status(503).send({ status: 'draining', reason: 'shutting down' });
    try {
      await storeReady();
      return { status: 'ready' };
    } catch (err) {
      return reply.status(503).send({ status: 'unavailable', reason: `store: ${(err as Error).message}` });
    }
  });
}
