import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Threadline } from '../../context.js';
import { notFound } from '../../errors.js';
import type { RunArtifact } from '../../tracking/types.js';
import { cleanArtifactPath, listLevel } from './artifact-listing.js';
import { invalidParameter } from './errors.js';
import { fieldsOf, optionalString } from './request.js';
import { sendFile } from './send-file.js';

/** Where a proxy path's files are kept: a run's artifacts, or an MLflow 3 logged model's files. */
interface ProxyTarget {
  path: string;
  files(): Promise<RunArtifact[]>;
  record(file: RunArtifact): Promise<void>;
  remove(path: string): Promise<unknown>;
  describe: string;
}

/**
 * MLflow's artifact proxy (`mlflow-artifacts/artifacts/<path>`), which MLflow clients use for any
 * run whose artifact_uri is `mlflow-artifacts:/<experiment>/<run>/artifacts`, and (MLflow 3) for
 * logged models at `mlflow-artifacts:/<experiment>/models/<model_id>/artifacts`. Threadline keeps
 * artifacts per run or per logged model, content-addressed, so proxy paths are read as
 * `<experiment>/<run>/artifacts/<path>` or `<experiment>/models/<model_id>/artifacts/<path>`;
 * bytes stream straight to the blob store.
 */
export function artifactProxyEndpoints(app: FastifyInstance, tl: Threadline): void {
  /** The owner a proxy path belongs to, checked to exist and to be in the experiment named. */
  async function locate(raw: string | undefined, needFile: boolean): Promise<ProxyTarget | undefined> {
    const parts = cleanArtifactPath(raw).split('/');
    const model = parts[1] === 'models';
    const [experimentId, ownerId, root] = model ? [parts[0], parts[2], parts[3]] : parts;
    const path = parts.slice(model ? 4 : 3).join('/');
    if (!experimentId || !ownerId || root !== 'artifacts') {
      if (needFile) throw invalidParameter(`Artifact path '${raw}' is not under <experiment_id>/<run_id>/artifacts/ or <experiment_id>/models/<model_id>/artifacts/: Threadline stores proxied artifacts per run and per logged model.`);
      return undefined;
    }
    if (needFile && path === '') throw invalidParameter('Artifact path names the artifact root, not a file.');
    if (model) {
      const found = await tl.loggedModels.get(ownerId);
      if (found.experimentId !== experimentId) throw notFound(`Logged model '${ownerId}' is not in experiment ${experimentId}`);
      return {
        path,
        describe: `logged model ${ownerId}`,
        files: () => tl.loggedModels.files(ownerId),
        record: (file) => tl.loggedModels.recordFile(ownerId, file),
        remove: (p) => tl.loggedModels.removeFiles(ownerId, p),
      };
    }
    const info = await tl.runs.info(ownerId);
    if (info.experimentId !== experimentId) throw notFound(`Run '${ownerId}' is not in experiment ${experimentId}`);
    return {
      path,
      describe: `run ${ownerId}`,
      files: () => tl.runs.artifacts(ownerId),
      record: (file) => tl.runs.recordArtifact(ownerId, file),
      remove: (p) => tl.runs.removeArtifacts(ownerId, p),
    };
  }

  app.put<{ Params: { '*': string } }>('/artifacts/*', async (request) => {
    const target = (await locate(request.params['*'], true))!;
    // An empty file arrives with no body at all.
    const blob = request.body ? await tl.artifacts.put(request.body as NodeJS.ReadableStream) : await tl.artifacts.putBytes(new Uint8Array());
    await target.record({ path: target.path, digest: blob.digest, size: blob.size, mediaType: mediaTypeOf(request) });
    return {};
  });

  app.get<{ Params: { '*': string } }>('/artifacts/*', async (request, reply) => {
    const target = (await locate(request.params['*'], true))!;
    const file = (await target.files()).find((a) => a.path === target.path);
    return sendFile(tl, reply, file, `No artifact at '${target.path}' in ${target.describe}`);
  });

  app.delete<{ Params: { '*': string } }>('/artifacts/*', async (request) => {
    const target = (await locate(request.params['*'], true))!;
    await target.remove(target.path);
    return {};
  });

  // `?path=<experiment>/<run>/artifacts/<dir>`; entries are base names, as MLflow's proxy answers.
  app.get('/artifacts', async (request) => {
    const target = await locate(optionalString(fieldsOf(request), 'path'), false);
    if (!target) return {};
    const files = listLevel(await target.files(), target.path).map((f) => ({ ...f, path: f.path.slice(f.path.lastIndexOf('/') + 1) }));
    return files.length > 0 ? { files } : {};
  });
}

function mediaTypeOf(request: FastifyRequest): string | null {
  const type = request.headers['content-type'];
  return type ? type.split(';')[0]!.trim() : null;
}
