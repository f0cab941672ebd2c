import { Readable } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorHandler } from '../error-handler.js';
import { invalidArgument, tooLarge } from '../../errors.js';
import { markStreamed } from '../body-guard.js';
import type { Threadline } from '../../context.js';
import { feedbackFormat } from '../../serving/prediction-service.js';
import { cursorFromText, statusFromText } from '../../serving/list-query.js';
import type { ListPredictionsQuery } from '../../serving/types.js';

type ListQuery = {
  Querystring: { deployment?: string; model?: string; since?: string; until?: string; status?: string; minLatencyMs?: string; maxLatencyMs?: string; before?: string; limit?: string };
};
type ById = { Params: { id: string } };

/** The prediction log: list, show, feedback (one, or a JSONL/CSV upload streamed in batches). */
export function predictionRoutes(app: FastifyInstance, tl: Threadline): void {
  const predictions = tl.predictions;
  // Bulk feedback is streamed to the service, never buffered whole.
  app.addContentTypeParser(['text/csv', 'application/x-ndjson', 'application/jsonl', 'application/jsonlines'], (request, payload, done) => {
    markStreamed(request);
    done(null, payload);
  });

  // Strings as sent (an empty one is no filter); the service checks them, whatever the front.
  app.get<ListQuery>('/api/predictions', async (request) => {
    const q = Object.fromEntries(Object.entries(request.query).filter(([, v]) => v !== '')) as ListQuery['Querystring'];
    const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
    const query: ListPredictionsQuery = {
      deploymentId: q.deployment,
      modelName: q.model,
      since: q.since,
      until: q.until,
      status: q.status === undefined ? undefined : statusFromText(q.status),
      minLatencyMs: number(q.minLatencyMs),
      maxLatencyMs: number(q.maxLatencyMs),
      before: q.before === undefined ? undefined : cursorFromText(q.before),
      limit: number(q.limit),
    };
    return { predictions: await predictions.list(query) };
  });

  // Bulk ingest (`::` is Fastify's escaped colon): a JSON array read whole within the batch limit,
  // or NDJSON streamed and counted against the same limit.
  const ingest = tl.predictionIngest;
  app.post<{ Body: unknown }>('/api/predictions::batch', { bodyLimit: ingest.maxBatchBytes, errorHandler: batchErrors(ingest.maxBatchBytes) }, async (request, reply) => {
    const body = request.body;
    let result;
    if (body instanceof Readable) result = await ingest.ingestNdjson(body);
    else if (Array.isArray(body)) result = await ingest.ingest(body);
    else throw invalidArgument('POST /api/predictions:batch takes a JSON array of prediction records (application/json) or one record per line (application/x-ndjson)');
    reply.status(202);
    return result;
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

/** Fastify's own "body too large" on this route becomes the same clear 413 as the NDJSON limit. */
function batchErrors(maxBytes: number) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const cause = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? tooLarge(`a prediction batch is limited to ${maxBytes} bytes: send fewer records per request`) : error;
    errorHandler(cause as FastifyError, request, reply);
  };
}
