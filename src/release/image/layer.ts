import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { OciLayout } from './layout.js';
import { mediaTypes, type Descriptor } from './media-types.js';

/** One entry of a layer; `open` streams a file's bytes (from the artifact store, say). */
export type LayerEntry =
  | { type: 'directory'; path: string; mode?: number }
  | { type: 'file'; path: string; size: number; mode?: number; open: () => Promise<NodeJS.ReadableStream | Readable> };

export interface BuiltLayer {
  descriptor: Descriptor;
  /** sha256 of the uncompressed tar: the config's `rootfs.diff_ids` entry. */
  diffId: string;
}

/**
 * Writes a gzip tar layer into the layout, reproducibly: entries sorted by path, one fixed
 * mtime, uid/gid 0 without names, and gzip's header without a time stamp (zlib writes mtime 0),
 * so the same files give the same digest on every build.
 */
export async function writeLayer(layout: OciLayout, entries: LayerEntry[], mtimeSeconds: number): Promise<BuiltLayer> {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const pack = tar.pack();
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let size = 0;
  const temp = layout.tempPath('layer');
  const written = pipeline(
    pack as unknown as Readable,
    hashing(tarHash),
    createGzip({ level: 9 }),
    hashing(gzHash, (n) => (size += n)),
    createWriteStream(temp),
  );
  const mtime = new Date(mtimeSeconds * 1000);
  const fixed = { mtime, uid: 0, gid: 0, uname: '', gname: '' };
  try {
    for (const entry of sorted) {
      const name = entry.path.replace(/^\/+/, '');
      if (entry.type === 'directory') {
        await addEntry(pack, { ...fixed, name: `${name.replace(/\/+$/, '')}/`, type: 'directory', mode: entry.mode ?? 0o755 });
        continue;
      }
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...fixed, name, type: 'file', size: entry.size, mode: entry.mode ?? 0o644 }, (err) => (err ? reject(err) : resolve()));
        entry.open().then((source) => (source as Readable).pipe(sink as unknown as NodeJS.WritableStream), reject);
      });
    }
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
    await written.catch(() => undefined);
    throw error;
  }
  await written;
  const digest = `sha256:${gzHash.digest('hex')}`;
  await layout.adoptFile(temp, digest);
  return { descriptor: { mediaType: mediaTypes.layerGzip, digest, size }, diffId: `sha256:${tarHash.digest('hex')}` };
}

function addEntry(pack: tar.Pack, header: tar.Header | (Partial<tar.Header> & { name: string })): Promise<void> {
  return new Promise((resolve, reject) => void pack.entry(header, (err) => (err ? reject(err) : resolve())));
}

function hashing(hash: Hash, count?: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      count?.(chunk.length);
      done(null, chunk);
    },
  });
}
