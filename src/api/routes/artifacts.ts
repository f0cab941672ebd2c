import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Threadline } from '../../context.js';
import { invalidArgument, notFound } from '../../errors.js';
import { normalizeArtifactPath } from '../../artifact-path.js';

type RunPathParams = { Params: { id: string; '*': string } };

/** Blobs by digest, and a run's artifacts by path. Bodies stream in and out, never buffered whole. */
export function artifactRoutes(app: FastifyInstance, tl: Threadline): void {
  app.put('/api/blobs', async (request, reply) => {
    const blob = await tl.artifacts.put(requireStream(request.body));
    return reply.status(201).send(blob);
  });

  app.get<{ Params: { digest: string } }>('/api/blobs/:digest', async (request, reply) => sendBlob(tl, reply, request.params.digest));

  app.put<RunPathParams & { Querystring: { mediaType?: string } }>('/api/runs/:id/artifacts/*', async (request, reply) => {
    const path = normalizeArtifactPath(request.params['*']);
    await tl.runs.info(request.params.id);
    const blob = await tl.artifacts.put(requireStream(request.body));
    const artifact = { path, digest: blob.digest, size: blob.size, mediaType: request.query.mediaType ?? null };
    await tl.runs.recordArtifact(request.params.id, artifact);
    return reply.status(201).send(artifact);
  });

  app.get<RunParams>('/api/runs/:id/artifacts', async (request) => ({ artifacts: await tl.runs.artifacts(request.params.id) }));

  app.get<RunPathParams>('/api/runs/:id/artifacts/*', async (request, reply) => {
    const path = normalizeArtifactPath(request.params['*']);
    const artifact = (await tl.runs.artifacts(request.params.id)).find((a) => a.path === path);
    if (!artifact) throw notFound(`Run ${request.params.id} has no artifact at '${path}'`);
    return sendBlob(tl, reply, artifact.digest, artifact.mediaType);
  });
}

type RunParams = { Params: { id: string } };

async function sendBlob(tl: Threadline, reply: FastifyReply, digest: string, mediaType?: string | null) {
  const info = await tl.artifacts.stat(digest);
  if (!info) throw notFound(`Blob ${digest} not found`);
  const stream = await tl.artifacts.open(digest);
  return reply
    .header('content-type', mediaType ?? 'application/octet-stream')
    .header('content-length', String(info.size))
    .header('docker-content-digest', digest)
    .send(stream);
}

function requireStream(body: unknown): NodeJS.ReadableStream {
  if (!body || typeof (body as NodeJS.ReadableStream).pipe !== 'function') {
    throw invalidArgument('send the bytes as the request body with content-type application/octet-stream');
  }
  return body as NodeJS.ReadableStream;
}
