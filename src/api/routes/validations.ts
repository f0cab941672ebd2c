import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';

type ListQuery = { Querystring: { data?: string; suite?: string; limit?: string } };

/**
 * Expectation suite results. The client computes them next to the data (`threadline validate`)
 * and posts them; the server records the data version, the result, its lineage edge and event.
 */
export function validationRoutes(app: FastifyInstance, tl: Threadline): void {
  const validations = tl.validations;

  app.post<{ Body: unknown }>('/api/validations', async (request, reply) => {
    const validation = await validations.record(request.body ?? {});
    reply.status(201);
    return validation;
  });

  app.get<ListQuery>('/api/validations', async (request) => {
    const { data, suite, limit } = request.query;
    return { validations: await validations.list({ data, suite, limit: limit === undefined ? undefined : Number(limit) }) };
  });

  app.get<{ Params: { id: string } }>('/api/validations/:id', async (request) => validations.get(request.params.id));
}
