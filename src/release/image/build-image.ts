import path from 'node:path';
import { Readable } from 'node:stream';
import type { ModelVersion } from '../../registry/types.js';
import type { Run } from '../../tracking/types.js';
import type { ImageRecord, RecordImageInput } from '../image-types.js';
import { pullBase, type BaseImage } from './base-image.js';
import { dockerCredentials } from './docker-auth.js';
import { canonicalJson, imageConfig } from './image-config.js';
import { writeLayer, type LayerEntry } from './layer.js';
import { OciLayout } from './layout.js';
import { mediaTypes, type ImageManifest } from './media-types.js';
import { buildEpochSeconds, entrypoint, imageMetadata, servePort, serveScript } from './metadata.js';
import { loggedModelFiles, modelFiles, parentFolders, type LoggedModelFiles } from './model-files.js';
import { pushImage } from './push.js';
import { parseImageRef, parseRepository } from './reference.js';
import { RegistryClient } from './registry-client.js';
import { countedBytes, startProgress } from '../../progress.js';

/**
 * What building needs of Threadline: the model version, its run, the artifact bytes, and a place
 * to record the result. The ThreadlineApi is one (embedded, or a server: the build runs here).
 */
export interface ImageSource extends LoggedModelFiles {
  resolveModel(ref: string): Promise<ModelVersion>;
  getRun(runId: string): Promise<Run>;
  openBlob(digest: string): Promise<NodeJS.ReadableStream>;
  recordImage(input: RecordImageInput): Promise<ImageRecord>;
}

export interface ImageDeps {
  api: ImageSource;
  /** THREADLINE_HOME: layouts go to `<home>/images/<name>-<tag>/` unless told otherwise. */
  home: string;
  env?: NodeJS.ProcessEnv;
}

export interface BuildInput {
  /** `name@alias` or `name/version`. */
  model: string;
  /** `<registry>/<name>`, e.g. `127.0.0.1:5000/reco`. */
  repository: string;
  base?: string;
  tag?: string;
  push?: boolean;
  insecureRegistry?: boolean;
  layoutDir?: string;
}

/**
 * Builds the model version's image without a container engine, in an OCI layout: the model's
 * files under /model, the serving entrypoint, env and labels naming version, run and commit, on
 * top of an optional base. Pushes it when asked and records it with its `packages` edge.
 */
export async function buildImage(deps: ImageDeps, input: BuildInput): Promise<ImageRecord> {
  const env = deps.env ?? process.env;
  const version = await deps.api.resolveModel(input.model);
  const target = parseRepository(input.repository);
  const repository = `${target.registry}/${target.name}`;
  const run = version.runId ? await deps.api.getRun(version.runId) : undefined;
  const files = modelFiles(version, run?.artifacts ?? [], await loggedModelFiles(deps.api, version));
  const epoch = buildEpochSeconds(version, env);
  const created = new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const meta = imageMetadata(version, run, created);
  const tag = input.tag ?? (version.runId ? `run-${version.runId}` : `v${version.version}`);
  const layout = new OciLayout(path.resolve(input.layoutDir ?? path.join(deps.home, 'images', `${safe(version.name)}-${tag}`)));
  await layout.init();

  let base: BaseImage | undefined;
  if (input.base) {
    const ref = parseImageRef(input.base);
    base = await pullBase(ref, new RegistryClient(ref, { insecure: input.insecureRegistry, credentials: dockerCredentials(ref.registry, env), actions: 'pull' }), layout);
  }

  const packing = startProgress(`packing ${version.name}/${version.version}`, files.reduce((sum, f) => sum + f.size, 0));
  const modelEntries: LayerEntry[] = [
    { type: 'directory', path: 'model' },
    ...parentFolders(files.map((f) => f.path)).map((p) => ({ type: 'directory' as const, path: `model/${p}` })),
    ...files.map((f) => ({ type: 'file' as const, path: `model/${f.path}`, size: f.size, open: async () => Readable.from(countedBytes(await deps.api.openBlob(f.digest) as AsyncIterable<Buffer>, packing)) })),
  ];
  const modelLayer = await writeLayer(layout, modelEntries, epoch).finally(() => packing.end());
  const script = Buffer.from(serveScript);
  const serveLayer = await writeLayer(layout, [{ type: 'directory', path: 'threadline' }, { type: 'file', path: 'threadline/serve.sh', size: script.length, mode: 0o755, open: async () => Readable.from([script]) }], epoch);

  const config = imageConfig(base?.config, {
    created,
    env: meta.env,
    labels: meta.labels,
    entrypoint,
    cmd: [],
    exposedPorts: [`${servePort}/tcp`],
    workingDir: '/model',
    diffIds: [modelLayer.diffId, serveLayer.diffId],
    history: [`threadline: COPY ${version.name}/${version.version} /model/`, 'threadline: COPY serve.sh /threadline/'],
  });
  const configDesc = await layout.writeBlob(canonicalJson(config), mediaTypes.config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.manifest,
    config: configDesc,
    layers: [...(base?.layers ?? []), modelLayer.descriptor, serveLayer.descriptor],
    ...(base && { annotations: { 'org.opencontainers.image.base.name': input.base!, 'org.opencontainers.image.base.digest': base.reference.slice(base.reference.indexOf('@') + 1) } }),
  };
  const manifestDesc = await layout.writeBlob(canonicalJson(manifest), mediaTypes.manifest);
  await layout.writeIndex(manifestDesc, tag);

  if (input.push) {
    const client = new RegistryClient(target, { insecure: input.insecureRegistry, credentials: dockerCredentials(target.registry, env), actions: 'pull,push' });
    await pushImage(layout, manifestDesc, tag, client);
  }
  // Recorded with its labels; run id and git sha are derived by the record from the same version.
  return deps.api.recordImage({
    reference: `${repository}@${manifestDesc.digest}`,
    model: `${version.name}/${version.version}`,
    tag,
    labels: config.config.Labels ?? {},
    layoutPath: layout.dir,
    pushed: input.push === true,
  });
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}
