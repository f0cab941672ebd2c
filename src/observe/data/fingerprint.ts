import fs from 'node:fs/promises';
import { sha256File } from '../../artifacts/digest.js';
import { digestJson } from '../../capture/canonical.js';
import type { FoundFile } from '../../capture/data-files.js';
import { summarizeTabular, tabularFormatOf, type TabularFormat } from '../../capture/tabular.js';
import type { DataFile, DataVersion } from '../../capture/types.js';

/** What a poke learns from `stat` alone: enough to tell "surely unchanged" without reading bytes. */
export interface FileStamp {
  path: string;
  absPath: string;
  size: number;
  mtimeMs: number;
  /** An object store's ETag, when there is one. */
  tag?: string;
}

/** A file as last seen: its stamp and the digest read then. */
export interface KnownFile {
  size: number;
  mtimeMs: number;
  tag?: string;
  digest: string;
}

const moved = (s: FileStamp, k: KnownFile | undefined) => !k || k.size !== s.size || k.mtimeMs !== s.mtimeMs || k.tag !== s.tag;

export type KnownFiles = Record<string, KnownFile>;

export async function stampFiles(found: FoundFile[]): Promise<FileStamp[]> {
  return Promise.all(
    found.map(async (f) => {
      const stat = await fs.stat(f.absPath);
      return { path: f.path, absPath: f.absPath, size: stat.size, mtimeMs: stat.mtimeMs };
    }),
  );
}

/** The same paths with the same size and mtime: nothing to read (the cheap half of the fingerprint). */
export function sameStamps(stamps: FileStamp[], known: KnownFiles | undefined): boolean {
  if (!known || Object.keys(known).length !== stamps.length) return false;
  return stamps.every((s) => !moved(s, known[s.path]));
}

/** The files that are new or moved since `known`. */
export function movedStamps(stamps: FileStamp[], known: KnownFiles | undefined): FileStamp[] {
  return stamps.filter((s) => moved(s, known?.[s.path]));
}

/**
 * File digests, reading only the files whose size or mtime moved since `known` (the expensive
 * half, done for what changed). Returns how many files were read, for the log.
 */
export async function digestFiles(stamps: FileStamp[], known: KnownFiles = {}): Promise<{ files: DataFile[]; known: KnownFiles; read: number }> {
  const files: DataFile[] = [];
  const next: KnownFiles = {};
  let read = 0;
  for (const s of stamps) {
    const before = known[s.path];
    let digest = before?.digest;
    if (moved(s, before)) {
      digest = (await sha256File(s.absPath)).digest;
      read++;
    }
    files.push({ path: s.path, size: s.size, digest: digest! });
    next[s.path] = { size: s.size, mtimeMs: s.mtimeMs, ...(s.tag ? { tag: s.tag } : {}), digest: digest! };
  }
  return { files, known: next, read };
}

/**
 * A DataVersion from already-digested files, by the rules of src/capture/data.ts (same manifest
 * digest, format, row count and schema as `captureData` on the same files); rows and schema
 * are read by DuckDB, which throws INVALID_ARGUMENT naming a file it cannot read.
 */
export async function dataVersionOf(uri: string, stamps: FileStamp[], files: DataFile[], format?: TabularFormat): Promise<DataVersion> {
  const digest = digestJson(files);
  const totalSize = files.reduce((sum, f) => sum + f.size, 0);
  const base = { digest, uri, files, totalSize };
  // A format named in the settings reads every file as that format, whatever its suffix.
  const tabular = format ? { format, files: stamps.filter((s) => s.size > 0).map((s) => s.absPath) } : tabularFiles(stamps);
  if (tabular === 'mixed') return { ...base, format: 'mixed', rowCount: null, schema: null };
  if (!tabular) return { ...base, format: 'other', rowCount: null, schema: null };
  if (tabular.files.length === 0) return { ...base, format: tabular.format, rowCount: 0, schema: [] };
  const { rowCount, schema } = await summarizeTabular(tabular.files, tabular.format);
  return { ...base, format: tabular.format, rowCount, schema };
}

/** The non-empty tabular files of one format (empty ones have no rows and no columns), or why not. */
export function tabularFiles(stamps: FileStamp[]): { format: TabularFormat; files: string[] } | 'mixed' | null {
  const byFormat = new Map<TabularFormat, string[]>();
  for (const s of stamps) {
    const format = tabularFormatOf(s.path);
    if (format) byFormat.set(format, [...(byFormat.get(format) ?? []), ...(s.size > 0 ? [s.absPath] : [])]);
  }
  if (byFormat.size > 1) return 'mixed';
  const [only] = byFormat.entries();
  return only ? { format: only[0], files: only[1] } : null;
}
