import { invalidArgument } from '../../errors.js';
import { saveImage } from '../image-store.js';
import type { ImageRecord } from '../image-types.js';
import type { ImageDeps } from './build-image.js';
import { imageMetadata } from './metadata.js';
import { digestPattern, parseImageRef } from './reference.js';

/**
 * Records an image built elsewhere (a team's own Dockerfile) as carrying a model version:
 * `REPO[:TAG]@sha256:…`. Its labels are not read from the registry here, so none are recorded.
 */
export async function recordImage(deps: Pick<ImageDeps, 'db' | 'models' | 'runs'>, reference: string, model: string): Promise<ImageRecord> {
  const at = reference.indexOf('@');
  const digest = at < 0 ? '' : reference.slice(at + 1);
  if (!digestPattern.test(digest)) throw invalidArgument(`Image reference must be REPOSITORY@sha256:<64 hex>, got '${reference}'`);
  const ref = parseImageRef(reference);
  const version = await deps.models.resolve(model);
  const run = version.runId ? await deps.runs.get(version.runId) : undefined;
  const meta = imageMetadata(version, run, '');
  return saveImage(deps.db, {
    reference: `${ref.repository}@${digest}`,
    repository: ref.repository,
    digest,
    tag: ref.tag ?? null,
    modelName: version.name,
    modelVersion: version.version,
    runId: meta.runId,
    gitSha: meta.gitSha,
    labels: {},
    layoutPath: null,
    pushed: true,
    createdAt: Date.now(),
  });
}
