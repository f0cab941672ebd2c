import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { invalidArgument } from '../../errors.js';
import type { EntityType } from '../../lineage/types.js';
import type { ListEventsQuery, Severity, Stage } from '../../events/types.js';

type ListQuery = { Querystring: { stage?: string; kind?: string; severity?: string; since?: string; subject?: string; source?: string; limit?: string } };

/** Observer events: record (observers running elsewhere, CI jobs) and query. */
export function eventRoutes(app: FastifyInstance, tl: Threadline): void {
  app.post<{ Body: unknown }>('/api/events', async (request, reply) => {
    const event = await tl.events.record(request.body ?? {});
    reply.status(201);
    return event;
  });

  app.get<ListQuery>('/api/events', async (request) => {
    const q = request.query;
    const query: ListEventsQuery = {
      stage: q.stage as Stage | undefined,
      kind: q.kind,
      severity: q.severity as Severity | undefined,
      since: q.since,
      source: q.source,
      subject: q.subject === undefined ? undefined : parseSubject(q.subject),
      limit: q.limit === undefined ? undefined : Number(q.limit),
    };
    return { events: await tl.events.list(query) };
  });

  app.get<{ Params: { id: string } }>('/api/events/:id', async (request) => tl.events.get(request.params.id));
}

/** `run:0193…`, `deployment:prod#3`. */
export function parseSubject(value: string): { type: EntityType; id: string } {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw invalidArgument(`subject takes TYPE:ID (run:0193…, deployment:prod#3), got '${value}'`);
  return { type: value.slice(0, colon) as EntityType, id: value.slice(colon + 1) };
}
