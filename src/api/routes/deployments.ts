import type { FastifyInstance } from 'fastify';
import { parseWith } from '../../errors.js';
import { z } from 'zod';
import type { Threadline } from '../../context.js';

const rollbackQuerySchema = z.object({
  run: z.string().min(1).max(256).optional(),
  to: z.coerce.number().int().positive().optional(),
});

type Id = { Params: { id: string } };

/**
 * Deployments as recorded. The target runs on the deployer's machine (the CLI, a CD system); it
 * reports here: POST a `pending` deployment, run, then PATCH it `deployed` or `failed`.
 */
export function deploymentRoutes(app: FastifyInstance, tl: Threadline): void {
  const ledger = tl.deployments;

  app.get<{ Querystring: { environment?: string } }>('/api/deployments', async (request) => ({ deployments: await ledger.listDeployments(request.query.environment) }));

  // What `deploy REF` would run: a model reference (its newest image) or an image.
  app.get<{ Querystring: { ref?: string } }>('/api/deployments/resolve', async (request) => {
    const { ref } = parseWith(z.object({ ref: z.string().min(1) }), request.query, 'Invalid query');
    return ledger.resolveDeploySubject(ref);
  });

  // `ENV#N` (the `#` encoded) or `ENV` for what it runs now.
  app.get<Id>('/api/deployments/:id', async (request) => ledger.getDeployment(request.params.id));

  app.post('/api/deployments', async (request, reply) => {
    return reply.status(201).send(await ledger.recordDeployment(request.body ?? {}));
  });

  app.patch<Id>('/api/deployments/:id', async (request) => ledger.updateDeployment(request.params.id, request.body ?? {}));

  app.get<{ Params: { env: string } }>('/api/environments/:env/rollback', async (request) => {
    const { run, to } = parseWith(rollbackQuerySchema, request.query, 'Invalid rollback query');
    return ledger.planRollback(request.params.env, { runId: run, to });
  });

  // A rollback run here, on the server's machine (the web UI's button): the target of what ENV runs now.
  app.post<{ Params: { env: string } }>('/api/environments/:env/rollback', async (request) => {
    const { run, to } = parseWith(rollbackQuerySchema, request.body ?? {}, 'Invalid rollback');
    return (await tl.deployer.rollback({ environment: request.params.env, runId: run, to })).deployment;
  });
}
