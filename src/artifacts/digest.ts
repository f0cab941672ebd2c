import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { invalidArgument } from '../errors.js';
import type { BlobInfo, BlobSource } from './types.js';

const digestPattern = /^sha256:[0-9a-f]{64}$/;

/** Large reads keep syscall and hash-call overhead small next to the hashing itself. */
export const fileChunkSize = 1 << 20;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && digestPattern.test(value);
}

/** Validates `sha256:<64 lowercase hex>` and returns the hex part (safe to use in paths and keys). */
export function parseDigest(value: string): { algorithm: 'sha256'; hex: string } {
  if (!isDigest(value)) {
    throw invalidArgument(`invalid digest ${JSON.stringify(String(value).slice(0, 80))}: expected sha256:<64 lowercase hex>`);
  }
  return { algorithm: 'sha256', hex: value.slice('sha256:'.length) };
}

export function sha256Bytes(data: Uint8Array | string): BlobInfo {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.byteLength };
}

/**
 * Hashes a stream chunk by chunk. `onChunk` (say, a write of the chunk) is started before the
 * chunk is hashed and awaited after, so the two overlap; the next chunk is only asked for once
 * both are done, so a producer that reuses its buffer is safe, and what a caller stores is
 * exactly what the digest names.
 */
export async function hashStream(
  source: BlobSource,
  onChunk?: (chunk: Uint8Array) => Promise<unknown> | unknown,
): Promise<BlobInfo> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const piece of source as AsyncIterable<Uint8Array | string>) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    const pending = onChunk?.(chunk);
    hash.update(chunk);
    size += chunk.byteLength;
    await pending;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/**
 * Reads a file in large chunks, always one read ahead so the disk (libuv thread pool) and the
 * consumer (hashing on the main thread) work at the same time. Two buffers take turns: a chunk
 * is valid until the consumer asks for the next one, so it must be used, not kept.
 */
export async function* readFileChunks(filePath: string, chunkSize = fileChunkSize): AsyncGenerator<Buffer> {
  const handle = await fs.open(filePath, 'r');
  const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
  let turn = 0;
  const read = () => handle.read(buffers[(turn ^= 1)]!, 0, chunkSize, null);
  let pending = read();
  try {
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) return;
      pending = read();
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // A consumer that stops early leaves one read in flight: settle it before closing.
    await pending.catch(() => undefined);
    await handle.close();
  }
}

export async function sha256File(filePath: string): Promise<BlobInfo> {
  return hashStream(readFileChunks(filePath));
}
