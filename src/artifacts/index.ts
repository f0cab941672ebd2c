export type { ArtifactStore, BlobInfo, BlobSource } from './types.js';
export { hashStream, isDigest, parseDigest, sha256Bytes, sha256File } from './digest.js';
export { LocalArtifactStore } from './local-store.js';
export { S3ArtifactStore, type S3StoreOptions } from './s3-store.js';
export { openArtifactStore } from './open.js';
