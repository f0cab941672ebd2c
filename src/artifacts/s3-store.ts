import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { notFound } from '../errors.js';
import { parseDigest, readFileChunks, sha256Bytes, sha256File } from './digest.js';
import { singleChunk } from './spool.js';
import { parseS3Url } from './s3-url.js';
import type { ArtifactStore, BlobInfo, BlobSource } from './types.js';

export { parseS3Url } from './s3-url.js';

export interface S3StoreOptions {
  /** `s3://bucket/prefix` */
  url: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Objects above this are copied to their key in parts (UploadPartCopy); S3's CopyObject stops at 5 GiB. */
  copyPartBytes?: number;
}

// Sources up to one part are held in memory, hashed, and PUT straight to their key.
const partSize = 16 << 20; // 16 MiB × 10,000 parts: 160 GiB per blob
const maxCopyBytes = 5 * 1024 ** 3;
// Temp objects of a writer that died between upload and copy; a lifecycle rule that aborts
// incomplete multipart uploads covers the parts of one that died mid-upload.
const staleTempMs = 24 * 60 * 60 * 1000;

/**
 * Blobs in any S3-compatible service under `<prefix>/sha256/<aa>/<hex>`.
 *
 * The key needs the digest, known only once every byte has been read. A small source (up to one
 * part) is read into memory, hashed and PUT to its key unless the key exists. A larger one is
 * streamed as a multipart upload to a temp key under `<prefix>/tmp/` while it is hashed, then
 * copied server-side to its key (or dropped when that key exists) and the temp key deleted: no
 * byte touches the replica's disk, and at most a few parts are in memory at once. Temp keys left
 * by a writer that died are swept on the first put after a day. Credentials come from the SDK's
 * default chain (env, profile, instance role): never stored here.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly url: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly copyPartBytes: number;
  private swept = false;

  constructor(options: S3StoreOptions) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Url(options.url));
    this.url = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.copyPartBytes = options.copyPartBytes ?? maxCopyBytes;
    // The SDK's notice that its later releases need Node 22 would otherwise open every command's output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      // The SDK's default CRC32 trailers are unknown to many S3-compatible servers; our
      // content address already says what the bytes must be.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  key(digest: string): string {
    const { hex } = parseDigest(digest);
    return `${this.keyPrefix}sha256/${hex.slice(0, 2)}/${hex}`;
  }

  private get keyPrefix(): string {
    return this.prefix ? `${this.prefix}/` : '';
  }

  async put(source: BlobSource): Promise<BlobInfo> {
    await this.sweepStaleTemp();
    const chunks = (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
    // Chunks are copied: a producer may reuse its buffer once asked for the next (readFileChunks does).
    const head: Buffer[] = [];
    let headBytes = 0;
    let next = await chunks.next();
    while (!next.done && headBytes < partSize) {
      const chunk = copyOf(next.value);
      head.push(chunk);
      headBytes += chunk.byteLength;
      next = await chunks.next();
    }
    if (next.done) {
      const body = Buffer.concat(head);
      const info = sha256Bytes(body);
      if (!(await this.has(info.digest))) {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(info.digest), Body: body, ContentType: 'application/octet-stream' }));
      }
      return info;
    }
    const first = copyOf(next.value);
    const rest = (async function* () {
      yield* head;
      yield first;
      for (let n = await chunks.next(); !n.done; n = await chunks.next()) yield copyOf(n.value);
    })();
    return this.putLarge(rest);
  }

  private async putLarge(source: AsyncIterable<Buffer>): Promise<BlobInfo> {
    const tempKey = `${this.keyPrefix}tmp/${Date.now()}-${randomUUID()}`;
    const hash = createHash('sha256');
    let size = 0;
    const hashed = Readable.from(
      (async function* () {
        for await (const chunk of source) {
          hash.update(chunk);
          size += chunk.byteLength;
          yield chunk;
        }
      })(),
    );
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: tempKey, Body: hashed, ContentType: 'application/octet-stream' },
      partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    let uploaded = false;
    try {
      await upload.done();
      uploaded = true;
      const info = { digest: `sha256:${hash.digest('hex')}`, size };
      if (!(await this.has(info.digest))) await this.copy(tempKey, this.key(info.digest), size);
      return info;
    } finally {
      hashed.destroy();
      if (uploaded) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tempKey })).catch(() => undefined);
    }
  }

  /** Server-side copy; in parts above `copyPartBytes` (S3 limits CopyObject to 5 GiB). */
  private async copy(from: string, to: string, size: number): Promise<void> {
    const source = `${this.bucket}/${from.split('/').map(encodeURIComponent).join('/')}`;
    if (size <= this.copyPartBytes) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: source, ContentType: 'application/octet-stream' }));
      return;
    }
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to, ContentType: 'application/octet-stream' }));
    try {
      const parts = [];
      const step = Math.max(this.copyPartBytes, Math.ceil(size / 10_000));
      for (let start = 0, n = 1; start < size; start += step, n++) {
        const range = `bytes=${start}-${Math.min(start + step, size) - 1}`;
        const { CopyPartResult } = await this.client.send(new UploadPartCopyCommand({ Bucket: this.bucket, Key: to, UploadId, PartNumber: n, CopySource: source, CopySourceRange: range }));
        parts.push({ ETag: CopyPartResult?.ETag, PartNumber: n });
      }
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId })).catch(() => undefined);
      throw error;
    }
  }

  /** Once per process: temp objects a day old belong to a writer that died between upload and copy. */
  private async sweepStaleTemp(): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    try {
      const cutoff = Date.now() - staleTempMs;
      const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.keyPrefix}tmp/` }));
      for (const object of listed.Contents ?? []) {
        if (object.Key && object.LastModified && object.LastModified.getTime() < cutoff) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: object.Key }));
      }
    } catch {
      // Housekeeping only: a store that cannot list still stores.
    }
  }

  async putFile(filePath: string): Promise<BlobInfo> {
    // Re-registering a file that is already stored is common: a local hash and a HEAD avoid
    // sending it. Otherwise stream it, so the key is the hash of the bytes actually sent.
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
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(digest) }));
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
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(digest) }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async get(digest: string) {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(digest) }));
    } catch (error) {
      if (isMissing(error)) throw notFound(`blob ${digest} not found in ${this.url}`, { digest });
      throw error;
    }
  }
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

function copyOf(chunk: Uint8Array | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
}
