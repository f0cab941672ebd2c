import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '../errors.js';
import { fileChunkSize, parseDigest, readFileChunks } from './digest.js';
import { singleChunk, spoolToTempFile, sweepStaleSpool } from './spool.js';
import type { ArtifactStore, BlobInfo, BlobSource } from './types.js';

/**
 * Blobs in a local folder: `<root>/sha256/<aa>/<hex>`, written under `<root>/tmp/` first,
 * fsynced, then renamed into place. rename() is atomic within one file system, so a digest path
 * either does not exist or holds the complete bytes that hash to its name, whatever crashes.
 */
export class LocalArtifactStore implements ArtifactStore {
  readonly root: string;
  readonly url: string;
  private readonly tempDir: string;
  private swept = false;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.url = this.root;
    this.tempDir = path.join(this.root, 'tmp');
  }

  blobPath(digest: string): string {
    const { hex } = parseDigest(digest);
    return path.join(this.root, 'sha256', hex.slice(0, 2), hex);
  }

  async put(source: BlobSource): Promise<BlobInfo> {
    await this.sweepStaleTemp();
    const spooled = await spoolToTempFile(source, this.tempDir, { fsync: true });
    const { digest, size, tempPath } = spooled;
    try {
      const target = this.blobPath(digest);
      if (await exists(target)) return { digest, size }; // dedup: same name, same bytes
      await fsp.mkdir(path.dirname(target), { recursive: true });
      await fsp.chmod(tempPath, 0o444); // blobs are immutable
      await fsp.rename(tempPath, target);
      await fsyncDir(path.dirname(target)); // make the rename itself durable
      return { digest, size };
    } finally {
      await fsp.rm(tempPath, { force: true });
    }
  }

  putFile(filePath: string): Promise<BlobInfo> {
    // Hash what is copied (not the file before copying), so a file changing meanwhile cannot
    // end up stored under a digest that does not match the stored bytes.
    return this.put(readFileChunks(filePath));
  }

  putBytes(data: Uint8Array | string): Promise<BlobInfo> {
    return this.put(singleChunk(data));
  }

  async open(digest: string): Promise<NodeJS.ReadableStream> {
    // Open before returning, so an absent blob rejects here rather than as a stream error.
    const handle = await fsp.open(this.blobPath(digest), 'r').catch((error) => this.rethrow(error, digest));
    return handle.createReadStream({ highWaterMark: fileChunkSize });
  }

  async readBytes(digest: string): Promise<Buffer> {
    return fsp.readFile(this.blobPath(digest)).catch((error) => this.rethrow(error, digest));
  }

  async stat(digest: string): Promise<BlobInfo | undefined> {
    const stats = await fsp.stat(this.blobPath(digest)).catch((error) => ignoreMissing(error));
    return stats ? { digest, size: stats.size } : undefined;
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async delete(digest: string): Promise<void> {
    await fsp.rm(this.blobPath(digest), { force: true });
  }

  private rethrow(error: unknown, digest: string): never {
    if (isMissing(error)) throw notFound(`blob ${digest} not found in ${this.url}`, { digest });
    throw error;
  }

  private async sweepStaleTemp(): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    await sweepStaleSpool(this.tempDir);
  }
}

async function exists(file: string): Promise<boolean> {
  return (await fsp.stat(file).catch((error) => ignoreMissing(error))) !== undefined;
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, fs.constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function ignoreMissing(error: unknown): undefined {
  if (isMissing(error)) return undefined;
  throw error;
}
