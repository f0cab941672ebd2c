import fs from 'node:fs/promises';
import path from 'node:path';
import { hashStream, readFileChunks } from '../artifacts/digest.js';
import { countedBytes, progressWatched, startProgress, type ProgressTask } from '../progress.js';
import { digestJson } from './canonical.js';
import { resolveData, type FoundFile } from './data-files.js';
import { dvcMd5s } from './dvc-md5.js';
import { summarizeTabular, tabularFormatOf, type TabularFormat } from './tabular.js';
import type { DataFile, DataVersion } from './types.js';

export interface CaptureDataOptions {
  /** Relative paths and globs are resolved against it (default: process.cwd()). */
  cwd?: string;
}

const hashConcurrency = 8;

/**
 * Fingerprint of a data file, folder or glob.
 *
 * Canonical manifest (what `digest` is the sha256 of): the canonical JSON (canonical.ts: keys
 * sorted, no whitespace) of the array of files sorted by path in code point order, each
 * `{"digest":"sha256:<hex>","path":"<relative, /-separated>","size":<bytes>}`; e.g.
 * `[{"digest":"sha256:ab…","path":"a.csv","size":12}]`. Only content and relative paths count:
 * the same files at another location have the same digest.
 *
 * Format: the one tabular format (csv, tsv → `csv`; jsonl/ndjson → `jsonl`; parquet) of the
 * files; non-tabular files beside them (`_SUCCESS`, README) do not change it. Two tabular
 * formats → `mixed`; none → `other`. rowCount and schema are null for `mixed` and `other`;
 * for several files of one format rowCount is the total and schema the union by column name.
 */
export async function captureData(pathOrGlob: string, options: CaptureDataOptions = {}): Promise<DataVersion> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const { uri, files: found } = await resolveData(pathOrGlob, cwd);
  const hashed = await hashAll(found, `hashing ${path.basename(uri)}`);
  // The manifest digest is over path, size and sha256 only; DVC's md5 rides along.
  const digest = digestJson(hashed);
  const md5s = await dvcMd5s(uri, found, cwd);
  const files = hashed.map((file, i) => {
    const dvcMd5 = md5s.get(found[i]!.absPath);
    return dvcMd5 ? { ...file, dvcMd5 } : file;
  });
  const totalSize = files.reduce((sum, file) => sum + file.size, 0);

  const byFormat = new Map<TabularFormat, string[]>();
  for (const [i, file] of found.entries()) {
    const format = tabularFormatOf(file.path);
    // An empty file has no rows and no columns; DuckDB would invent a `column0` for it.
    if (format) byFormat.set(format, [...(byFormat.get(format) ?? []), ...(files[i]!.size > 0 ? [file.absPath] : [])]);
  }
  const base = { digest, uri, files, totalSize };
  if (byFormat.size > 1) return { ...base, format: 'mixed', rowCount: null, schema: null };
  const [only] = byFormat.entries();
  if (!only) return { ...base, format: 'other', rowCount: null, schema: null };
  const [format, tabular] = only;
  if (tabular.length === 0) return { ...base, format, rowCount: 0, schema: [] };
  const { rowCount, schema } = await summarizeTabular(tabular, format);
  return { ...base, format, rowCount, schema };
}

async function hashAll(found: FoundFile[], label: string): Promise<DataFile[]> {
  const progress = await hashingProgress(found, label);
  try {
    return await hashEach(found, progress);
  } finally {
    progress.end();
  }
}

/** The total is only worth a stat per file when someone watches (a terminal). */
async function hashingProgress(found: FoundFile[], label: string): Promise<ProgressTask> {
  if (!progressWatched()) return startProgress(label, undefined);
  const sizes = await Promise.all(found.map((f) => fs.stat(f.absPath).then((s) => s.size, () => 0)));
  return startProgress(label, sizes.reduce((a, b) => a + b, 0));
}

async function hashEach(found: FoundFile[], progress: ProgressTask): Promise<DataFile[]> {
  const files: DataFile[] = new Array(found.length);
  let next = 0;
  const worker = async () => {
    while (next < found.length) {
      const i = next++;
      const { digest, size } = await hashStream(countedBytes(readFileChunks(found[i]!.absPath), progress));
      files[i] = { path: found[i]!.path, size, digest };
    }
  };
  await Promise.all(Array.from({ length: Math.min(hashConcurrency, found.length) }, worker));
  return files;
}
