import { createReadStream } from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import type { Readable } from 'node:stream';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { invalidArgument, notFound, unavailable } from '../errors.js';
import { parseDigest, readFileChunks, sha256File } from './digest.js';
import { singleChunk, spoolToTempFile } from './spool.js';
import type { ArtifactStore, BlobInfo, BlobSource } from './types.js';

export interface S3StoreOptions {
  /** `s3://bucket/prefix` */
  url: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Where uploads are spooled before they are sent; defaults to the OS temp dir ($TMPDIR). */
  spoolDir?: string;
}

const minPartSize = 8 << 20;
const maxParts = 9_000; // S3 allows 10,000; keep a margin

/**
 * Blobs in any S3-compatible service under `<prefix>/sha256/<aa>/<hex>`.
 *
 * The key needs the digest, which is known only once every byte has been read. We spool the
 * source to a local temp file while hashing, HEAD the final key, and upload only if it is absent.
 * The alternative (upload to a temp key, then server-side copy) would upload duplicates in full,
 * needs UploadPartCopy beyond 5 GB, which several S3-compatible servers lack, and leaves orphan
 * temp objects when a writer dies; a local temp file costs disk space only while it is sent.
 * Credentials come from the SDK's default chain (env, profile, instance role): never stored here.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly url: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly options: S3StoreOptions;
  private readonly spoolDir: string;
  private sdk?: Promise<{ client: S3Client; s3: typeof S3Sdk }>;

  constructor(options: S3StoreOptions) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Url(options.url));
    this.url = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.spoolDir = options.spoolDir ?? os.tmpdir();
    this.options = options;
  }

  /** The SDK is loaded on first use: it costs a third of a second of start-up that most commands never need. */
  private client(): Promise<{ client: S3Client; s3: typeof S3Sdk }> {
    this.sdk ??= (async () => {
      // The SDK's notice that later releases need Node 22 would otherwise open every command's output.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const s3 = await import('@aws-sdk/client-s3');
      const client = new s3.S3Client({
        region: this.options.region,
        endpoint: this.options.endpoint,
        forcePathStyle: this.options.forcePathStyle,
        // The SDK's default CRC32 trailers are unknown to many S3-compatible servers; our
        // content address already says what the bytes must be.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      return { client, s3 };
    })();
    return this.sdk;
  }

  /** One request, with missing credentials said in one line instead of the SDK's provider chain. */
  private async send<T>(request: (sdk: Awaited<ReturnType<S3ArtifactStore['client']>>) => Promise<T>): Promise<T> {
    try {
      return await request(await this.client());
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'CredentialsProviderError') {
        throw unavailable(`no AWS credentials for ${this.url}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an instance role`);
      }
      throw error;
    }
  }

  key(digest: string): string {
    const { hex } = parseDigest(digest);
    return `${this.prefix ? `${this.prefix}/` : ''}sha256/${hex.slice(0, 2)}/${hex}`;
  }

  async put(source: BlobSource): Promise<BlobInfo> {
    const { digest, size, tempPath } = await spoolToTempFile(source, this.spoolDir, { fsync: false });
    try {
      if (await this.has(digest)) return { digest, size };
      const { Upload } = await import('@aws-sdk/lib-storage');
      await this.send(async ({ client }) => {
        const upload = new Upload({
          client,
          params: { Bucket: this.bucket, Key: this.key(digest), Body: createReadStream(tempPath), ContentType: 'application/octet-stream' },
          partSize: Math.max(minPartSize, Math.ceil(size / maxParts)),
          queueSize: 4,
          leavePartsOnError: false,
        });
        await upload.done();
      });
      return { digest, size };
    } finally {
      await fsp.rm(tempPath, { force: true });
    }
  }

  async putFile(filePath: string): Promise<BlobInfo> {
    // Re-registering a file that is already stored is common: a local hash and a HEAD avoid the
    // spool copy. Otherwise spool as usual, so the key is the hash of the bytes actually sent.
    const known = await sha256File(filePath);
    if (await this.has(known.digest)) return known;
    return this.put(readFileChunks(filePath));
  }

  putBytes(data: Uint8Array | string): Promise<BlobInfo> {
    return this.put(singleChunk(data));
  }

  async open(digest: string): Promise<NodeJS.ReadableStream> {
    const output = await this.get(digest);
    return output.Body as Readable;
  }

  async readBytes(digest: string): Promise<Buffer> {
    const output = await this.get(digest);
    return Buffer.from(await output.Body!.transformToByteArray());
  }

  async stat(digest: string): Promise<BlobInfo | undefined> {
    try {
      const head = await this.send(({ client, s3 }) => client.send(new s3.HeadObjectCommand({ Bucket: this.bucket, Key: this.key(digest) })));
      return { digest, size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async delete(digest: string): Promise<void> {
    await this.send(({ client, s3 }) => client.send(new s3.DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(digest) })));
  }

  async close(): Promise<void> {
    if (this.sdk) (await this.sdk).client.destroy();
  }

  private async get(digest: string): Promise<GetObjectCommandOutput> {
    try {
      return await this.send(({ client, s3 }) => client.send(new s3.GetObjectCommand({ Bucket: this.bucket, Key: this.key(digest) })));
    } catch (error) {
      if (isMissing(error)) throw notFound(`blob ${digest} not found in ${this.url}`, { digest });
      throw error;
    }
  }
}

export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([A-Za-z0-9][A-Za-z0-9._-]*)(?:\/+(.*))?$/.exec(url);
  if (!match) {
    // Never echo user-info: a mistyped URL may carry a key.
    const shown = url.replace(/\/\/[^/@]*@/, '//');
    throw invalidArgument(`invalid S3 artifacts URL ${shown}: expected s3://bucket/prefix`);
  }
  return { bucket: match[1]!, prefix: (match[2] ?? '').replace(/\/+$/, '') };
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
