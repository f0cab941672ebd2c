import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ThreadlineError } from '../../errors.js';
import type { OciLayout } from './layout.js';
import type { Descriptor, ImageManifest } from './media-types.js';
import type { RegistryClient } from './registry-client.js';
import { countedBytes, startProgress } from '../../progress.js';

/**
 * Pushes the image of `manifest` from the layout: each blob the registry lacks (HEAD first),
 * then the manifest under `tag`. The registry must compute the same manifest digest as we did.
 */
export async function pushImage(layout: OciLayout, manifest: Descriptor, tag: string, client: RegistryClient): Promise<void> {
  const bytes = await layout.readBlob(manifest.digest);
  const parsed = JSON.parse(bytes.toString('utf8')) as ImageManifest;
  const missing: Descriptor[] = [];
  for (const blob of [parsed.config, ...parsed.layers]) if (!(await client.hasBlob(blob.digest))) missing.push(blob);
  const progress = startProgress(`pushing ${tag}`, missing.reduce((sum, b) => sum + b.size, 0));
  try {
    for (const blob of missing) {
      await client.uploadBlob(blob.digest, blob.size, () => Readable.from(countedBytes(createReadStream(layout.blobPath(blob.digest)) as AsyncIterable<Buffer>, progress)));
    }
  } finally {
    progress.end();
  }
  const pushed = await client.putManifest(tag, bytes, manifest.mediaType);
  if (pushed !== manifest.digest) throw new ThreadlineError('INTERNAL', `Registry stored the manifest as ${pushed}, not ${manifest.digest}`);
}
