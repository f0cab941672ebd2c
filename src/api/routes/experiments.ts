import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import type { LifecycleStage } from '../../tracking/types.js';

export function experimentRoutes(app: FastifyInstance, tl: Threadline): void {
  app.post('/api/experiments', async (request, reply) => {
    const experiment = await tl.experiments.create(request.body as never);
    return reply.status(201).send(experiment);
  });

  app.put<{ Params: { name: string } }>('/api/experiments/by-name/:name', async (request) => tl.experiments.ensure(request.params.name));

  app.get<{ Querystring: { view?: string } }>('/api/experiments', async (request) => ({
    experiments: await tl.experiments.list(viewOf(request.query.view)),
  }));

  app.get<{ Params: { id: string } }>('/api/experiments/:id', async (request) => tl.experiments.get(request.params.id));

  app.get<{ Params: { name: string } }>('/api/experiments/by-name/:name', async (request) => tl.experiments.getByName(request.params.name));

  app.patch<{ Params: { id: string }; Body: { name: string } }>('/api/experiments/:id', async (request) => {
    await tl.experiments.rename(request.params.id, request.body?.name);
    return tl.experiments.get(request.params.id);
  });

  app.delete<{ Params: { id: string } }>('/api/experiments/:id', async (request, reply) => {
    await tl.experiments.delete(request.params.id);
    return reply.status(204).send();
  });

  app.post<{ Params: { id: string } }>('/api/experiments/:id/restore', async (request) => {
    await tl.experiments.restore(request.params.id);
    return tl.experiments.get(request.params.id);
  });
}

export function viewOf(view: string | undefined): LifecycleStage | 'all' {
  return view === 'deleted' || view === 'all' ? view : 'active';
}
