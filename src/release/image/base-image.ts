import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ThreadlineError } from '../../errors.js';
import type { OciLayout } from './layout.js';
import { mediaTypes, ociLayerType, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest } from './media-types.js';
import type { ImageRef } from './reference.js';
import type { RegistryClient } from './registry-client.js';

export interface BaseImage {
  /** `<repository>@<manifest digest>` of the platform manifest used. */
  reference: string;
  config: ImageConfig;
  layers: Descriptor[];
}

/**
 * Pulls a base image into the layout: its manifest (the linux/amd64 one of an index), config and
 * layers, each checked against its digest. Layers keep their bytes; Docker media types are named
 * the OCI way, which means the same bytes.
 */
export async function pullBase(ref: ImageRef, client: RegistryClient, layout: OciLayout, platform = { os: 'linux', architecture: 'amd64' }): Promise<BaseImage> {
  let got = await client.getManifest(ref.digest ?? ref.tag ?? 'latest');
  if (got.mediaType === mediaTypes.index || got.mediaType === mediaTypes.dockerList) {
    const index = JSON.parse(got.bytes.toString('utf8')) as ImageIndex;
    const pick = index.manifests.find((m) => m.platform?.os === platform.os && m.platform.architecture === platform.architecture);
    if (!pick) throw new ThreadlineError('NOT_FOUND', `Base image ${ref.repository} has no ${platform.os}/${platform.architecture} manifest`);
    got = await client.getManifest(pick.digest);
  }
  const manifest = JSON.parse(got.bytes.toString('utf8')) as ImageManifest;
  if (!manifest.config || !Array.isArray(manifest.layers)) throw new ThreadlineError('INVALID_ARGUMENT', `Base image ${ref.repository} has an unsupported manifest (${got.mediaType})`);
  await download(client, layout, manifest.config.digest);
  const config = JSON.parse((await layout.readBlob(manifest.config.digest)).toString('utf8')) as ImageConfig;
  for (const layer of manifest.layers) await download(client, layout, layer.digest);
  const layers = manifest.layers.map((l) => ({ mediaType: ociLayerType(l.mediaType), digest: l.digest, size: l.size }));
  return { reference: `${ref.repository}@${got.digest}`, config, layers };
}

async function download(client: RegistryClient, layout: OciLayout, digest: string): Promise<void> {
  const hash = createHash('sha256');
  const temp = layout.tempPath('pull');
  const hashing = new Transform({ transform: (chunk: Buffer, _e, done) => done(null, (hash.update(chunk), chunk)) });
  await pipeline(await client.openBlob(digest), hashing, createWriteStream(temp));
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== digest) throw new ThreadlineError('INTERNAL', `Registry sent ${actual} for blob ${digest}`);
  await layout.adoptFile(temp, digest);
}
