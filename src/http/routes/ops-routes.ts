import { PassThrough } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../domain/app-error.ts';
import { checkOperatorToken } from '../../ops/operator-auth.ts';
import { errorOf, type DiagService } from '../../ops/diag-service.ts';
import type { OpsMetrics } from '../../ops/ops-metrics.ts';
import { errors } from '../schemas.ts';
import type { Api } from '../route-deps.ts';

export interface OpsRouteDeps {
  operatorToken: string;
  metrics: OpsMetrics;
  diag: DiagService;
}

/**
 * `/metrics` (Prometheus text) and `/api/ops/<command>` (the `renraku diag` commands for a
 * remote node, `--url`), both only with `Authorization: Bearer <operator token>`. Without a
 * configured token both answer `operations_disabled`. Every refusal is logged, never the
 * token sent. A trace answers NDJSON as it runs: `{event}` lines, then `{ok, result}`.
 */
export function opsRoutes(app: Api, deps: OpsRouteDeps): void {
  const guard = async (request: FastifyRequest): Promise<void> => {
    const check = checkOperatorToken(deps.operatorToken, request.headers.authorization);
    if (check.ok) return;
    request.log.warn({ code: check.code, ip: request.ip, url: request.url }, 'ops: operator request refused');
    throw new AppError(check.code);
  };

  app.get('/metrics', {
    schema: { tags: ['ops'], description: 'Prometheus text format; Authorization: Bearer <RENRAKU_OPERATOR_TOKEN>.', response: errors(403, 404) },
    preHandler: guard,
  }, async (_request, reply) => {
    const text = await deps.metrics.scrape();
    return reply.type(deps.metrics.contentType).send(text);
  });

  app.post('/api/ops/:command', {
    schema: {
      tags: ['ops'],
      description: 'One diagnostics command (docs/operations.md). trace answers NDJSON while it runs.',
      params: Type.Object({ command: Type.String({ maxLength: 32 }) }),
      body: Type.Object({ args: Type.Optional(Type.Record(Type.String(), Type.Unknown())), cluster: Type.Optional(Type.Boolean()) }),
    },
    preHandler: guard,
  }, async (request, reply) => {
    const { command } = request.params;
    const args = request.body.args ?? {};
    const cluster = request.body.cluster === true;
    if (deps.diag.command(command) !== 'trace') return deps.diag.run(command, args, undefined, cluster);

    const out = new PassThrough();
    let sent = false;
    const begin = (): void => {
      if (sent) return;
      sent = true;
      void reply.type('application/x-ndjson').send(out);
    };
    const gone = new Promise<void>((resolve) => reply.raw.once('close', () => resolve()));
    try {
      const result = await deps.diag.run(command, args, { event: (event) => { begin(); out.write(`${JSON.stringify({ event })}\n`); }, gone }, cluster);
      begin();
      out.end(`${JSON.stringify({ ok: true, result })}\n`);
    } catch (err) {
      if (!sent) throw err;
      out.end(`${JSON.stringify({ ok: false, error: errorOf(err) })}\n`);
    }
    return reply;
  });
}
