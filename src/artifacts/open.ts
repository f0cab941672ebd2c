import { fileURLToPath } from 'node:url';
import type { ThreadlineConfig } from '../config.js';
import { invalidArgument } from '../errors.js';
import { LocalArtifactStore } from './local-store.js';
import { LazyS3ArtifactStore } from './lazy-s3-store.js';
import type { ArtifactStore } from './types.js';

/** The store named by `config.artifactsUrl`: `s3://bucket/prefix`, `file://…` or a local folder. */
export function openArtifactStore(config: Pick<ThreadlineConfig, 'artifactsUrl' | 's3'>): ArtifactStore {
  const url = config.artifactsUrl;
  if (url.startsWith('s3://')) return new LazyS3ArtifactStore({ url, ...config.s3 });
  if (url.startsWith('file://')) return new LocalArtifactStore(fileURLToPath(url));
  // Any other scheme (gs://, https://…) is unsupported, not a folder named "gs:".
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (scheme) throw invalidArgument(`unsupported artifacts URL scheme ${scheme[1]}: use a local folder or s3://bucket/prefix`);
  return new LocalArtifactStore(url);
}
