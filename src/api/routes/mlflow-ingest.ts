import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { invalidArgument } from '../../errors.js';

/** `POST /api/mlflow/backfill {experimentIds?}`: runs stored before ingest, given their code, data, environment and ids. */
export function mlflowIngestRoutes(app: FastifyInstance, tl: Threadline): void {
  const ingest = tl.mlflowIngest;
  app.post<{ Body: { experimentIds?: unknown } | null }>('/api/mlflow/backfill', async (request) => {
    const ids = request.body?.experimentIds;
    if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === 'string'))) throw invalidArgument('experimentIds must be a list of experiment ids');
    return ingest.backfill({ experimentIds: ids as string[] | undefined });
  });
}
