import type { FastifyInstance } from 'fastify';
import { parseWith } from '../../errors.js';
import { z } from 'zod';
import type { Threadline } from '../../context.js';
import { decodePercent } from '../../percent.js';
import type { ImageFilter } from '../../release/image-types.js';

const listQuerySchema = z.object({
  model: z.string().min(1).optional(),
  version: z.coerce.number().int().positive().optional(),
  run: z.string().min(1).optional(),
  reference: z.string().min(1).optional(),
  digest: z.string().min(1).optional(),
});

/** Images: list (by model, version, run, reference or digest), show one, record one built here or elsewhere. */
export function imageRoutes(app: FastifyInstance, tl: Threadline): void {
  app.get('/api/images', async (request) => {
    const query = parseWith(listQuerySchema, request.query, 'Invalid image query');
    const filter: ImageFilter = {};
    if (query.model !== undefined) filter.modelName = query.model;
    if (query.version !== undefined) filter.modelVersion = query.version;
    if (query.run !== undefined) filter.runId = query.run;
    if (query.reference !== undefined) filter.reference = query.reference;
    if (query.digest !== undefined) filter.digest = query.digest;
    return { images: await tl.images.list(filter) };
  });

  // `REPO@sha256:…` (slashes encoded or not) or a bare `sha256:…`.
  app.get<{ Params: { '*': string } }>('/api/images/*', async (request) => tl.images.get(decodePercent(request.params['*'], 'image reference')));

  app.post('/api/images', async (request, reply) => {
    return reply.status(201).send(await tl.images.record(request.body ?? {}));
  });
}
