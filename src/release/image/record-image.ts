import { z } from 'zod';
import { invalidArgument, notFound, parseWith } from '../../errors.js';
import type { ModelService } from '../../registry/model-service.js';
import type { Store } from '../../store/database.js';
import type { RunService } from '../../tracking/run-service.js';
import { findImages, saveImage } from '../image-store.js';
import type { ImageRecord, RecordImageInput } from '../image-types.js';
import { imageMetadata } from './metadata.js';
import { digestPattern, parseImageRef } from './reference.js';

/** What recording an image needs: the store and the registry (to name its model version and run). */
export interface ImageRecordDeps {
  store: Store;
  models: ModelService;
  runs: RunService;
}

/**
 * Records an image as carrying a model version: `REPO[:TAG]@sha256:…` built elsewhere (a team's
 * own Dockerfile: no labels known), or built by a client that reports its tag, labels and layout.
 * Run id and git sha come from the model version's run, as the builder derives them.
 */
/** What an image record may hold: checked here, so the HTTP route and the embedded CLI check alike. */
export const recordImageSchema = z.strictObject({
  reference: z.string().min(1).max(1024),
  model: z.string().min(1).max(512),
  tag: z.string().max(128).nullable().optional(),
  labels: z.record(z.string(), z.string().max(4096)).optional(),
  layoutPath: z.string().max(4096).nullable().optional(),
  pushed: z.boolean().optional(),
});

export async function recordImage(deps: ImageRecordDeps, raw: RecordImageInput | unknown): Promise<ImageRecord> {
  const input: RecordImageInput = parseWith(recordImageSchema, raw, 'Invalid image');
  const { reference } = input;
  const at = reference.indexOf('@');
  const digest = at < 0 ? '' : reference.slice(at + 1);
  if (!digestPattern.test(digest)) throw invalidArgument(`Image reference must be REPOSITORY@sha256:<64 hex>, got '${reference}'`);
  const ref = parseImageRef(reference);
  const version = await deps.models.resolve(input.model);
  const run = version.runId ? await deps.runs.get(version.runId) : undefined;
  const meta = imageMetadata(version, run, '');
  return saveImage(deps.store.db, {
    reference: `${ref.repository}@${digest}`,
    repository: ref.repository,
    digest,
    tag: input.tag ?? ref.tag ?? null,
    modelName: version.name,
    modelVersion: version.version,
    runId: meta.runId,
    gitSha: meta.gitSha,
    labels: input.labels ?? {},
    layoutPath: input.layoutPath ?? null,
    pushed: input.pushed ?? true,
    createdAt: Date.now(),
  });
}

/** An image by `REPO@sha256:…`, or by its bare digest (the newest one recorded with it). */
export async function getImage(store: Store, id: string): Promise<ImageRecord> {
  if (digestPattern.test(id)) {
    const [image] = await findImages(store.db, { digest: id });
    if (image) return image;
  } else {
    const at = id.indexOf('@');
    if (at < 0 || !digestPattern.test(id.slice(at + 1))) throw invalidArgument(`An image is REPOSITORY@sha256:<64 hex> or sha256:<64 hex>, got '${id}'`);
    const [image] = await findImages(store.db, { reference: `${parseImageRef(id).repository}@${id.slice(at + 1)}` });
    if (image) return image;
  }
  throw notFound(`Image ${id} is not recorded`);
}
