import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { invalidArgument } from '../../errors.js';
import { markStreamed } from '../body-guard.js';
import type { Threadline } from '../../context.js';
import { feedbackFormat } from '../../serving/prediction-service.js';

type ListQuery = { Querystring: { deployment?: string; since?: string; limit?: string } };
type ById = { Params: { id: string } };

/** The prediction log: list, show, feedback (one, or a JSONL/CSV upload streamed in batches). */
export function predictionRoutes(app: FastifyInstance, tl: Threadline): void {
  const predictions = tl.predictions;
  // Bulk feedback is streamed to the service, never buffered whole.
  app.addContentTypeParser(['text/csv', 'application/x-ndjson', 'application/jsonl', 'application/jsonlines'], (request, payload, done) => {
    markStreamed(request);
    done(null, payload);
  });

  app.get<ListQuery>('/api/predictions', async (request) => {
    const { deployment, since, limit } = request.query;
    return { predictions: await predictions.list({ deploymentId: deployment, since, limit: limit === undefined ? undefined : Number(limit) }) };
  });

  app.get<ById>('/api/predictions/:id', async (request) => predictions.get(request.params.id));

  app.post<ById & { Body: unknown }>('/api/predictions/:id/feedback', async (request, reply) => {
    reply.status(201);
    return predictions.recordFeedback(request.params.id, request.body ?? {});
  });

  app.post<{ Querystring: { format?: string; source?: string }; Body: unknown }>('/api/feedback', async (request) => {
    const format = feedbackFormat(request.query.format ?? request.headers['content-type']);
    // An application/json body arrives parsed: bulk feedback is a stream of lines, never one value.
    if (!(request.body instanceof Readable)) {
      throw invalidArgument('POST /api/feedback takes JSON lines (application/x-ndjson) or CSV (text/csv); for one prediction use POST /api/predictions/:id/feedback');
    }
    return predictions.importFeedback(request.body, format, request.query.source ?? null);
  });
}
