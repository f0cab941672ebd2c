import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Threadline } from '../../context.js';
import { notFound } from '../../errors.js';
import { cleanArtifactPath, listLevel } from './artifact-listing.js';
import { invalidParameter } from './errors.js';
import { fieldsOf, optionalString } from './request.js';

/**
 * MLflow's artifact proxy (`mlflow-artifacts/artifacts/<path>`), which MLflow clients use for any
 * run whose artifact_uri is `mlflow-artifacts:/<experiment>/<run>/artifacts`. Threadline keeps
 * artifacts per run and content-addressed, so proxy paths are read as
 * `<experiment>/<run>/artifacts/<path within the run>`; bytes stream straight to the blob store.
 */
export function artifactProxyEndpoints(app: FastifyInstance, tl: Threadline): void {
  /** The run a proxy path belongs to, checked to exist and to keep its artifacts behind this proxy. */
  async function locate(raw: string | undefined, needFile: boolean): Promise<{ runId: string; path: string } | undefined> {
    const parts = cleanArtifactPath(raw).split('/');
    const [experimentId, runId, root] = parts;
    const path = parts.slice(3).join('/');
    if (!experimentId || !runId || root !== 'artifacts') {
      if (needFile) throw invalidParameter(`Artifact path '${raw}' is not under <experiment_id>/<run_id>/artifacts/: Threadline stores proxied artifacts per run.`);
      return undefined;
    }
    if (needFile && path === '') throw invalidParameter('Artifact path names the run root, not a file.');
    const info = await tl.runs.info(runId);
    if (info.experimentId !== experimentId) throw notFound(`Run '${runId}' is not in experiment ${experimentId}`);
    return { runId, path };
  }

  app.put<{ Params: { '*': string } }>('/artifacts/*', async (request) => {
    const { runId, path } = (await locate(request.params['*'], true))!;
    // An empty file arrives with no body at all.
    const blob = request.body ? await tl.artifacts.put(request.body as NodeJS.ReadableStream) : await tl.artifacts.putBytes(new Uint8Array());
    await tl.runs.recordArtifact(runId, { path, digest: blob.digest, size: blob.size, mediaType: mediaTypeOf(request) });
    return {};
  });

  app.get<{ Params: { '*': string } }>('/artifacts/*', async (request, reply) => {
    const { runId, path } = (await locate(request.params['*'], true))!;
    const artifact = (await tl.runs.artifacts(runId)).find((a) => a.path === path);
    if (!artifact) throw notFound(`No artifact at '${path}' in run ${runId}`);
    const stream = await tl.artifacts.open(artifact.digest);
    return reply
      .header('content-type', artifact.mediaType ?? 'application/octet-stream')
      .header('content-length', String(artifact.size))
      .header('docker-content-digest', artifact.digest)
      .send(stream);
  });

  app.delete<{ Params: { '*': string } }>('/artifacts/*', async (request) => {
    const { runId, path } = (await locate(request.params['*'], true))!;
    await tl.runs.removeArtifacts(runId, path);
    return {};
  });

  // `?path=<experiment>/<run>/artifacts/<dir>`; entries are base names, as MLflow's proxy answers.
  app.get('/artifacts', async (request) => {
    const located = await locate(optionalString(fieldsOf(request), 'path'), false);
    if (!located) return {};
    const files = listLevel(await tl.runs.artifacts(located.runId), located.path).map((f) => ({ ...f, path: f.path.slice(f.path.lastIndexOf('/') + 1) }));
    return files.length > 0 ? { files } : {};
  });
}

function mediaTypeOf(request: FastifyRequest): string | null {
  const type = request.headers['content-type'];
  return type ? type.split(';')[0]!.trim() : null;
}
