import { randomBytes } from 'node:crypto';
import fs, { type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hashStream } from './digest.js';
import type { BlobInfo, BlobSource } from './types.js';
import { processExists } from '../process-exists.js';

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
  const tempPath = path.join(dir, `${Date.now()}-${spoolOwner}-${randomBytes(6).toString('hex')}.part`);
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

// Who writes a spool file: host and pid, so that a sweep can tell a dead writer's file on this host.
const spoolOwner = `${os.hostname().replace(/[^A-Za-z0-9.-]/g, '_')}~${process.pid}`;
const staleAfterMs = 24 * 60 * 60 * 1000;

/**
 * Removes spool files whose writer is gone: on this host a process that no longer runs (a replica
 * killed mid-upload), elsewhere (a shared folder) anything a day old. Run once at start.
 */
export async function sweepStaleSpool(dir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const file = path.join(dir, name);
    const owner = /^\d+-(.+)~(\d+)-[0-9a-f]+\.part$/.exec(name);
    const dead = owner !== null && owner[1] === spoolOwner.split('~')[0] && !processExists(Number(owner[2]));
    const stats = dead ? undefined : await fs.stat(file).catch(() => undefined);
    if (dead || (stats && stats.mtimeMs < now - staleAfterMs)) {
      await fs.rm(file, { force: true });
      removed.push(name);
    }
  }
  return removed;
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
