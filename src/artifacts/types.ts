/** A stored blob: its content digest (`sha256:<64 hex>`) and its size in bytes. */
export interface BlobInfo {
  digest: string;
  size: number;
}

/** Anything `put` can read: a Node readable stream or any async iterable of bytes. */
export type BlobSource = NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/**
 * Content-addressed blob storage. A blob's name is the sha256 of its bytes, so the same content
 * is stored once and a digest recorded anywhere in the lineage always means the same bytes.
 */
export interface ArtifactStore {
  /** Where the store lives, for messages; never carries credentials. */
  readonly url: string;
  /** Streams the source into the store, hashing while writing; storing existing content is a no-op. */
  put(source: BlobSource): Promise<BlobInfo>;
  putFile(filePath: string): Promise<BlobInfo>;
  /** For small things: patches, manifests, JSON. Strings are stored as UTF-8. */
  putBytes(data: Uint8Array | string): Promise<BlobInfo>;
  /** Rejects with a NOT_FOUND ThreadlineError when the blob is absent. */
  open(digest: string): Promise<NodeJS.ReadableStream>;
  /** Whole blob in memory: small blobs only. NOT_FOUND when absent. */
  readBytes(digest: string): Promise<Buffer>;
  stat(digest: string): Promise<BlobInfo | undefined>;
  has(digest: string): Promise<boolean>;
  /** Idempotent: deleting an absent blob succeeds, as on S3. */
  delete(digest: string): Promise<void>;
  close?(): Promise<void>;
}
