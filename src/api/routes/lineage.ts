import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';

type TraceQuery = { Querystring: { id?: string; direction?: string; depth?: string; type?: string } };

/** Lineage over HTTP: which entity an id means, and the thread up or down from it. */
export function lineageRoutes(app: FastifyInstance, tl: Threadline): void {
  const traces = tl.traces;

  app.get<TraceQuery>('/api/lineage/resolve', async (request) => traces.resolve(request.query.id ?? '', request.query.type));

  app.get<TraceQuery>('/api/lineage/trace', async (request) => {
    const { id, direction, depth, type } = request.query;
    // The service checks direction and depth (NaN included) and answers INVALID_ARGUMENT.
    return traces.trace(id ?? '', { direction: direction as 'upstream' | 'downstream' | undefined, depth: depth === undefined ? undefined : Number(depth), type });
  });
}
