import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';

/** MLflow 3 logged models in the native API: what images and `serve` read of them (their files). */
export function loggedModelRoutes(app: FastifyInstance, tl: Threadline): void {
  app.get<{ Params: { id: string } }>('/api/logged-models/:id', async (request) => tl.loggedModels.get(request.params.id));
}
