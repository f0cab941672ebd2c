import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';

/**
 * OpenLineage in, at Marquez's path so that any OpenLineage client (Airflow, Spark, dbt) can point
 * its HTTP transport here unchanged. One RunEvent, JobEvent or DatasetEvent per request.
 */
export function openLineageRoutes(app: FastifyInstance, tl: Threadline): void {
  const service = tl.openLineage;
  app.post('/api/v1/lineage', async (request, reply) => {
    const result = await service.ingest(request.body);
    return reply.status(201).send(result);
  });
}
