import { notFound } from '../../errors.js';
import type { ModelService } from '../../registry/model-service.js';
import type { Store } from '../../store/database.js';
import type { RunService } from '../../tracking/run-service.js';
import { findImages } from '../image-store.js';
import type { ImageRecord } from '../image-types.js';
import type { ModelVersion } from '../../registry/types.js';
import type { DeploySubject } from './types.js';

/** What a deploy reference is resolved with. */
export interface SubjectServices {
  store: Store;
  runs: Pick<RunService, 'resolveId' | 'get'>;
  models: Pick<ModelService, 'resolve' | 'searchVersions' | 'getVersion'>;
}
type Services = SubjectServices;

/** `repo@sha256:…` is an image; anything else a model reference (`name@alias`, `name/3`). */
export function isImageReference(ref: string): boolean {
  return /@sha256:[0-9a-f]{64}$/.test(ref);
}

/** What `deploy REF` means: the model version, and the newest image built from it (if any). */
export async function resolveSubject(tl: Services, ref: string): Promise<DeploySubject> {
  if (isImageReference(ref)) return subjectOfImageRef(tl, ref);
  const version = await tl.models.resolve(ref);
  const [image] = await findImages(tl.store.db, { modelName: version.name, modelVersion: version.version });
  if (image) return subjectOfImage(tl, image);
  return subjectOfVersion(tl, version);
}

/** A recorded image `REPO@sha256:…` as what a deployment runs. */
export async function subjectOfImageRef(tl: Services, ref: string): Promise<DeploySubject> {
  const [image] = await findImages(tl.store.db, { reference: ref });
  if (!image) throw notFound(`Image ${ref} is not recorded: build it with 'threadline image build' or record it with 'threadline image record'`);
  return subjectOfImage(tl, image);
}

/** A model version deployed without an image. */
export async function subjectOfVersion(tl: Services, version: ModelVersion): Promise<DeploySubject> {
  return { imageReference: null, modelName: version.name, modelVersion: version.version, runId: version.runId, gitSha: await gitShaOf(tl, version.runId, version.tags) };
}

/**
 * The seed's rollback by run id: the image built from that run (its Threadline run id, or the
 * id the image recorded), else the model version trained by it, else one tagged DBR_RUN_ID.
 */
export async function resolveRun(tl: Services, given: string): Promise<DeploySubject> {
  // An unknown run may still be the id an image recorded (a CI run id); an ambiguous prefix is an error.
  const runId = await tl.runs.resolveId(given).catch((error: { code?: string; details?: { reason?: string } }) => {
    // `--run 777` is a CI run id, too short to be ours.
    if (error.code === 'NOT_FOUND' || error.details?.reason === 'too_short') return undefined;
    throw error;
  });
  for (const id of new Set([runId, given].filter((x): x is string => x !== undefined))) {
    const [image] = await findImages(tl.store.db, { runId: id });
    if (image) return subjectOfImage(tl, image);
  }
  const filters = [runId && `run_id = '${runId}'`, /^[\w.-]+$/.test(given) && `tag.DBR_RUN_ID = '${given}'`].filter((f): f is string => typeof f === 'string');
  for (const filter of filters) {
    const { items } = await tl.models.searchVersions({ filter, maxResults: 1, orderBy: ['creation_timestamp DESC'] });
    const version = items[0];
    if (version) return resolveSubject(tl, `${version.name}/${version.version}`);
  }
  throw notFound(`No image or model version comes from run '${given}': nothing to roll back to`);
}

async function subjectOfImage(tl: Services, image: ImageRecord): Promise<DeploySubject> {
  if (image.modelName === null || image.modelVersion === null) throw notFound(`Image ${image.reference} carries no recorded model version`);
  const version = await tl.models.getVersion(image.modelName, image.modelVersion);
  const runId = image.runId ?? version.runId;
  return { imageReference: image.reference, modelName: version.name, modelVersion: version.version, runId, gitSha: image.gitSha ?? (await gitShaOf(tl, runId, version.tags)) };
}

/** The commit: the run's recorded code, else the seed's GIT_SHA tag on the version or the run. */
async function gitShaOf(tl: Services, runId: string | null, versionTags: Record<string, string>): Promise<string | null> {
  if (!runId) return versionTags.GIT_SHA ?? null;
  const run = await tl.runs.get(runId).catch(() => undefined);
  return run?.code?.commitSha ?? versionTags.GIT_SHA ?? run?.tags.GIT_SHA ?? null;
}
