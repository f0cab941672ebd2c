import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import type { OciLayout } from './layout.js';
import { mediaTypes, type Descriptor } from './media-types.js';

/** Owner and permissions of an entry: root and 0755/0644 unless told otherwise. */
interface EntryOwner {
  mode?: number;
  uid?: number;
  gid?: number;
}

/**
 * One entry of a layer; `open` streams a file's bytes (from the artifact store, say). A `link` is
 * a hard link to an earlier entry's path; a `symlink` points at `target` as written.
 */
export type LayerEntry =
  | ({ type: 'directory'; path: string } & EntryOwner)
  | ({ type: 'file'; path: string; size: number; open: () => Promise<NodeJS.ReadableStream | Readable> } & EntryOwner)
  | ({ type: 'symlink'; path: string; target: string } & EntryOwner)
  | ({ type: 'link'; path: string; target: string } & EntryOwner);

export interface LayerOptions {
  /** gzip level: 9 (smallest) unless a big layer's build time matters more. */
  level?: number;
}

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
export async function writeLayer(layout: OciLayout, entries: LayerEntry[], mtimeSeconds: number, options: LayerOptions = {}): Promise<BuiltLayer> {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const pack = tar.pack();
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let size = 0;
  const temp = layout.tempPath('layer');
  const written = pipeline(
    pack as unknown as Readable,
    hashing(tarHash),
    createGzip({ level: options.level ?? 9 }),
    hashing(gzHash, (n) => (size += n)),
    createWriteStream(temp),
  );
  const mtime = new Date(mtimeSeconds * 1000);
  const fixed = { mtime, uid: 0, gid: 0, uname: '', gname: '' };
  try {
    for (const entry of sorted) {
      const name = entry.path.replace(/^\/+/, '');
      const owner = { ...fixed, uid: entry.uid ?? 0, gid: entry.gid ?? 0 };
      if (entry.type === 'directory') {
        await addEntry(pack, { ...owner, name: `${name.replace(/\/+$/, '')}/`, type: 'directory', mode: entry.mode ?? 0o755 });
        continue;
      }
      if (entry.type === 'symlink' || entry.type === 'link') {
        await addEntry(pack, { ...owner, name, type: entry.type, linkname: entry.target.replace(entry.type === 'link' ? /^\/+/ : /^$/, ''), mode: entry.mode ?? 0o777 });
        continue;
      }
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry({ ...owner, name, type: 'file', size: entry.size, mode: entry.mode ?? 0o644 }, (err) => (err ? reject(err) : resolve()));
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
