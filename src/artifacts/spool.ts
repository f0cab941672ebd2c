import { randomBytes } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { hashStream } from './digest.js';
import type { BlobInfo, BlobSource } from './types.js';

export interface Spooled extends BlobInfo {
  /** The temp file holding exactly the hashed bytes; the caller renames, uploads or removes it. */
  tempPath: string;
}

/**
 * Streams a source into a fresh temp file in `dir` while hashing it: the digest is known only
 * at the end, so every store writes under a temp name first. Nothing is held in memory beyond
 * the chunk in hand. On any failure the temp file is removed and the error rethrown.
 */
export async function spoolToTempFile(source: BlobSource, dir: string, options: { fsync: boolean }): Promise<Spooled> {
  await fs.mkdir(dir, { recursive: true });
  const tempPath = path.join(dir, `${Date.now()}-${process.pid}-${randomBytes(6).toString('hex')}.part`);
  const handle = await fs.open(tempPath, 'wx', 0o600);
  try {
    // Each chunk is written while it is hashed (see hashStream): disk and CPU overlap.
    const info = await hashStream(source, (chunk) => writeFully(handle, chunk));
    if (options.fsync) await handle.sync();
    await handle.close();
    return { ...info, tempPath };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.rm(tempPath, { force: true });
    throw error;
  }
}

/** FileHandle.write may write less than asked; loop until the whole chunk is down. */
async function writeFully(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Lets small in-memory data go through the same streaming path as everything else. */
export async function* singleChunk(data: Uint8Array | string): AsyncGenerator<Uint8Array> {
  yield typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}
