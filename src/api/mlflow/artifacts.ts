import type { FastifyInstance } from 'fastify';
import type { Threadline } from '../../context.js';
import { cleanArtifactPath, listLevel } from './artifact-listing.js';
import { fieldsOf, optionalString, runIdOf } from './request.js';

/** MLflow's artifacts/list: one directory level of a run's artifacts, paths relative to the run's root. */
export function artifactListEndpoints(app: FastifyInstance, tl: Threadline): void {
  app.get('/artifacts/list', async (request) => {
    const f = fieldsOf(request);
    const runId = runIdOf(f);
    const info = await tl.runs.info(runId);
    const files = listLevel(await tl.runs.artifacts(runId), cleanArtifactPath(optionalString(f, 'path')));
    return { root_uri: info.artifactUri, ...(files.length > 0 && { files }) };
  });
}
