import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parseS3Url } from '../../artifacts/s3-store.js';
import { resolveData } from '../../capture/data-files.js';
import type { ThreadlineConfig } from '../../config.js';
import { unavailable } from '../../errors.js';
import { stampFiles, type FileStamp, type KnownFiles } from './fingerprint.js';

/** Where the watched files are listed from and, for a remote source, brought local to be read. */
export interface DataSource {
  uri: string;
  /** Files with size and mtime (and an ETag for objects): no content read. */
  list(): Promise<FileStamp[]>;
  /** Makes each listed file readable at its absPath (downloads objects that changed). */
  materialize(stamps: FileStamp[], known: KnownFiles | undefined): Promise<void>;
  /** The local path DVC pointers are looked for beside, or null for a remote source. */
  localPath: string | null;
  close(): void;
}

/**
 * Threadline's own files (its home, a local store and artifact folder) below a watched folder:
 * never data. Watching `.` or `**` would otherwise see the observer's own writes (an event
 * recorded, a snapshot stored) as a change on every poke.
 */
export function ownPaths(config: Partial<Pick<ThreadlineConfig, 'home' | 'databaseUrl' | 'artifactsUrl'>> | undefined, baseDir: string): string[] {
  const local = (p: string | undefined) => (p && !/^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? [path.resolve(baseDir, p)] : []);
  // SQLite keeps its journal beside the database file.
  const database = local(config?.databaseUrl).flatMap((db) => [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]);
  return [path.join(path.resolve(baseDir), '.threadline'), ...local(config?.home), ...database, ...local(config?.artifactsUrl)];
}

/** Drops the files that are, or are under, any of `own`, unless the watched path is itself inside one. */
export function withoutOwn<T extends { absPath: string }>(files: T[], own: string[], watched: string): T[] {
  const inside = (file: string, root: string) => file === root || file.startsWith(root + path.sep);
  const skip = own.filter((root) => !inside(watched, root));
  return files.filter((f) => !skip.some((root) => inside(f.absPath, root)));
}

export function localSource(pathOrGlob: string, baseDir: string, own: string[] = ownPaths(undefined, baseDir)): DataSource {
  const absolute = path.resolve(baseDir, pathOrGlob);
  return {
    uri: absolute,
    localPath: absolute,
    async list() {
      const { files } = await resolveData(pathOrGlob, baseDir);
      return stampFiles(withoutOwn(files, own, absolute));
    },
    async materialize() {},
    close() {},
  };
}

/**
 * Objects under an S3 prefix (any S3-compatible service, THREADLINE_S3_ENDPOINT as for the
 * artifact store; credentials from the SDK's default chain, never stored). Objects are mirrored
 * into `mirrorDir` so DuckDB reads them as local files; only objects whose ETag or size moved
 * are downloaded again. An object's LastModified stands for the file mtime.
 */
export function s3Source(url: string, config: Pick<ThreadlineConfig, 's3'>, mirrorDir: string): DataSource {
  const { bucket, prefix } = parseS3Url(url);
  const client = new S3Client({
    region: config.s3?.region ?? 'us-east-1',
    endpoint: config.s3?.endpoint,
    forcePathStyle: config.s3?.forcePathStyle ?? true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const keyPrefix = prefix ? `${prefix.replace(/\/$/, '')}/` : '';
  const uri = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  return {
    uri,
    localPath: null,
    async list() {
      const stamps: FileStamp[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: keyPrefix, ContinuationToken: token }));
          for (const o of page.Contents ?? []) {
            if (!o.Key || o.Key.endsWith('/')) continue;
            const rel = o.Key.slice(keyPrefix.length);
            stamps.push({ path: rel, absPath: path.join(mirrorDir, ...rel.split('/')), size: o.Size ?? 0, mtimeMs: o.LastModified?.getTime() ?? 0, tag: o.ETag ?? undefined });
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } catch (error) {
        throw unavailable(`cannot list ${uri}: ${(error as Error).message}`);
      }
      if (stamps.length === 0) throw unavailable(`no objects under ${uri}`);
      return stamps.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async materialize(stamps, known) {
      await fs.mkdir(mirrorDir, { recursive: true });
      for (const s of stamps) {
        const before = known?.[s.path];
        const present = await fs.stat(s.absPath).catch(() => null);
        if (before && present && before.size === s.size && before.mtimeMs === s.mtimeMs && before.tag === s.tag) continue;
        await fs.mkdir(path.dirname(s.absPath), { recursive: true });
        try {
          const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyPrefix + s.path }));
          await pipeline(object.Body as Readable, createWriteStream(s.absPath));
        } catch (error) {
          throw unavailable(`cannot download ${uri}/${s.path}: ${(error as Error).message}`);
        }
      }
    },
    close() {
      client.destroy();
    },
  };
}
