import { unavailable } from '../errors.js';
import type { S3ArtifactStore, S3StoreOptions } from './s3-store.js';
import { parseS3Url } from './s3-url.js';
import type { ArtifactStore, BlobInfo, BlobSource } from './types.js';

/**
 * The S3 store, its SDK loaded on first use: the SDK costs a third of a second or more at every
 * start, which commands that never touch an artifact should not pay. Missing credentials are
 * said in one line here, instead of the SDK's provider-chain message.
 */
export class LazyS3ArtifactStore implements ArtifactStore {
  readonly url: string;
  private store?: Promise<S3ArtifactStore>;

  constructor(private readonly options: S3StoreOptions) {
    const { bucket, prefix } = parseS3Url(options.url);
    this.url = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  }

  /** The SDK-backed store itself, loading it if need be. */
  load(): Promise<S3ArtifactStore> {
    this.store ??= import('./s3-store.js').then((m) => new m.S3ArtifactStore(this.options));
    return this.store;
  }

  private async call<T>(work: (store: S3ArtifactStore) => Promise<T>): Promise<T> {
    try {
      return await work(await this.load());
    } catch (error) {
      if ((error as { name?: string }).name === 'CredentialsProviderError') {
        throw unavailable(`no AWS credentials for ${this.url}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an instance role`);
      }
      throw error;
    }
  }

  put = (source: BlobSource): Promise<BlobInfo> => this.call((s) => s.put(source));
  putFile = (filePath: string): Promise<BlobInfo> => this.call((s) => s.putFile(filePath));
  putBytes = (data: Uint8Array | string): Promise<BlobInfo> => this.call((s) => s.putBytes(data));
  open = (digest: string): Promise<NodeJS.ReadableStream> => this.call((s) => s.open(digest));
  readBytes = (digest: string): Promise<Buffer> => this.call((s) => s.readBytes(digest));
  stat = (digest: string): Promise<BlobInfo | undefined> => this.call((s) => s.stat(digest));
  has = (digest: string): Promise<boolean> => this.call((s) => s.has(digest));
  delete = (digest: string): Promise<void> => this.call((s) => s.delete(digest));

  async close(): Promise<void> {
    if (this.store) await (await this.store).close();
  }
}
