import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { checkTextFormat, formatTrace } from '../../lineage/format/index.js';

type TraceQuery = { Querystring: { id?: string; direction?: string; depth?: string; type?: string; format?: string } };

/** Lineage over HTTP: which entity an id means, and the thread up or down from it. */
export function lineageRoutes(app: FastifyInstance, tl: Threadline): void {
  const traces = tl.traces;

  app.get<TraceQuery>('/api/lineage/resolve', async (request) => traces.resolve(request.query.id ?? '', request.query.type));

  app.get<TraceQuery>('/api/lineage/trace', async (request) => {
    const { id, direction, depth, type } = request.query;
    // The service checks direction and depth (NaN included) and answers INVALID_ARGUMENT.
    return traces.trace(id ?? '', { direction: direction as 'upstream' | 'downstream' | undefined, depth: depth === undefined ? undefined : Number(depth), type });
  });

  // The CLI's text, dot and Mermaid output, for the web UI's export and scripts without the CLI.
  app.get<TraceQuery>('/api/lineage/formatted', async (request) => {
    const { id, direction, depth, type, format } = request.query;
    const checked = checkTextFormat(format);
    const trace = await traces.trace(id ?? '', { direction: direction as 'upstream' | 'downstream' | undefined, depth: depth === undefined ? undefined : Number(depth), type });
    return { format: checked, text: formatTrace(trace, checked) };
  });
}
