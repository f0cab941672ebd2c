/**
 * The training reference of a deployment: a file named in the settings, or the data recorded as
 * input of the run behind a model version (its DataVersion's files), read once by DuckDB into
 * column vectors and kept while the files are unchanged.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ColumnReader, type ColumnVector, type TableColumn } from '../../capture/columns.js';
import { tabularFormatOf } from '../../capture/tabular.js';
import type { DataVersion } from '../../capture/types.js';
import type { ModelService } from '../../registry/model-service.js';
import type { RunService } from '../../tracking/run-service.js';
import { failedPrecondition, invalidArgument } from '../../errors.js';
import type { EntityRef } from '../../lineage/types.js';
import { radixSortFloat64 } from '../../stats/radix-sort.js';
import type { ProductionSettings } from './settings.js';

/** What a run-input reference is looked up with. */
type ReferenceServices = { runs: Pick<RunService, 'get' | 'dataVersion'>; models: Pick<ModelService, 'resolve'> };

export interface ReferenceSource {
  files: string[];
  /** The DataVersion digest when the reference came from a run's inputs. */
  dataDigest: string | null;
  /** What the events say it was: the path, or `model X/N → run input NAME`. */
  label: string;
}

export interface ReferenceData {
  source: ReferenceSource;
  rows: number;
  columns: TableColumn[];
  /** Numeric vectors sorted ascending (each poke sorts only the window). */
  vectors: Map<string, ColumnVector>;
}

export async function resolveReference(tl: ReferenceServices, baseDir: string, settings: ProductionSettings, deployed: string): Promise<ReferenceSource> {
  const ref = settings.reference;
  if (typeof ref === 'string') return fileReference(path.resolve(baseDir, ref));
  const model = ref?.model ?? deployed;
  const fallback = ref?.path ? path.resolve(baseDir, ref.path) : undefined;
  const version = await tl.models.resolve(model);
  const data = version.runId ? await runInputs(tl, version.runId) : [];
  const tabular = data.map((d) => ({ ...d, files: filesOf(d.version).filter((f) => tabularFormatOf(f)) })).filter((d) => d.files.length > 0);
  const [first] = tabular;
  if (first) {
    const present = await Promise.all(first.files.map((f) => fs.stat(f).then((s) => s.isFile(), () => false)));
    if (present.every(Boolean)) return { files: first.files, dataDigest: first.version.digest, label: `model ${version.name}/${version.version} → run input ${first.name}` };
    if (!fallback) throw failedPrecondition(`reference of ${version.name}/${version.version}: run input ${first.name} (${first.version.uri}) is no longer on disk; give reference.path`);
  }
  if (fallback) return { ...(await fileReference(fallback)), dataDigest: first?.version.digest ?? null };
  throw failedPrecondition(`reference: model ${version.name}/${version.version} has no tabular data recorded as input of ${version.runId ? `run ${version.runId}` : 'a run'}; give reference: PATH or reference.path`);
}

async function fileReference(file: string): Promise<ReferenceSource> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw invalidArgument(`reference not found: ${file}`, { path: file });
  if (stat.isFile()) return { files: [file], dataDigest: null, label: file };
  const names = (await fs.readdir(file)).filter((n) => tabularFormatOf(n)).sort();
  if (names.length === 0) throw invalidArgument(`reference folder ${file} has no CSV, Parquet or JSONL file`, { path: file });
  return { files: names.map((n) => path.join(file, n)), dataDigest: null, label: file };
}

async function runInputs(tl: ReferenceServices, runId: string): Promise<{ name: string; version: DataVersion }[]> {
  const run = await tl.runs.get(runId);
  const inputs = run.io.filter((io) => io.direction === 'input' && io.kind === 'data');
  return Promise.all(inputs.map(async (io) => ({ name: io.name, version: await tl.runs.dataVersion(io.ref) })));
}

/** Absolute paths of a DataVersion's files: its uri is the file, the folder, or a glob below a folder. */
function filesOf(data: DataVersion): string[] {
  if (data.files.length === 1 && path.basename(data.uri) === data.files[0]!.path && !/[*?[]/.test(data.uri)) return [data.uri];
  const segments = data.uri.split(path.sep);
  const firstGlob = segments.findIndex((s) => /[*?[]/.test(s));
  const base = firstGlob < 0 ? data.uri : segments.slice(0, firstGlob).join(path.sep) || path.sep;
  return data.files.map((f) => path.join(base, ...f.path.split('/')));
}

export function referenceSubject(source: ReferenceSource): EntityRef[] {
  return source.dataDigest ? [{ type: 'data', id: source.dataDigest }] : [];
}

const cache = new Map<string, { stamp: string; data: ReferenceData }>();

/** Reads the reference's columns (all files must share them); cached per observer until a file changes. */
export async function readReference(key: string, source: ReferenceSource): Promise<ReferenceData> {
  const stats = await Promise.all(source.files.map((f) => fs.stat(f).catch(() => null)));
  const stamp = source.files.map((f, i) => `${f}:${stats[i]?.size}:${stats[i]?.mtimeMs}`).join('|');
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp) return hit.data;
  const reader = await ColumnReader.open();
  try {
    let columns: TableColumn[] | undefined;
    let rows = 0;
    const parts = new Map<string, ColumnVector[]>();
    for (const file of source.files) {
      const table = await reader.describe(file, 'reference');
      columns ??= table.columns.filter((c) => c.kind !== 'unsupported');
      const missing = columns.filter((c) => !table.columns.some((t) => t.name === c.name));
      if (missing.length) throw invalidArgument(`reference file ${file} lacks column(s) ${missing.map((c) => c.name).join(', ')} of ${source.files[0]}`);
      const read = await reader.read(table, columns.map((c) => table.columns.find((t) => t.name === c.name)!), 'reference');
      rows += read.rows;
      for (const [name, vector] of read.vectors) parts.set(name, [...(parts.get(name) ?? []), vector]);
    }
    if (!columns || rows === 0) throw invalidArgument(`reference ${source.label} has no rows`);
    const vectors = new Map<string, ColumnVector>();
    for (const [name, list] of parts) vectors.set(name, merge(list));
    const data: ReferenceData = { source, rows, columns, vectors };
    cache.set(key, { stamp, data });
    return data;
  } finally {
    reader.close();
  }
}

function merge(list: ColumnVector[]): ColumnVector {
  const first = list[0]!;
  if (first.kind === 'numeric') {
    const numeric = list.filter((v) => v.kind === 'numeric');
    const values = new Float64Array(numeric.reduce((s, v) => s + v.values.length, 0));
    let at = 0;
    for (const v of numeric) {
      values.set(v.values, at);
      at += v.values.length;
    }
    return { kind: 'numeric', values: radixSortFloat64(values), missing: numeric.reduce((s, v) => s + v.missing, 0) };
  }
  const counts = new Map<string, number>();
  let missing = 0;
  for (const v of list) {
    if (v.kind === 'numeric') continue;
    missing += v.missing;
    for (const [k, n] of v.counts) counts.set(k, (counts.get(k) ?? 0) + n);
  }
  return { kind: first.kind, counts, missing };
}
