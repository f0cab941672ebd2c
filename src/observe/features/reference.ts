import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sha256File } from '../../artifacts/digest.js';
import type { DataFile, DataVersion } from '../../capture/types.js';
import { failedPrecondition, invalidArgument } from '../../errors.js';
import type { EntityRef } from '../../lineage/types.js';
import { ProvenanceStore } from '../../tracking/provenance-store.js';
import type { ObserverContext } from '../agent.js';
import { dataVersionOf, digestFiles, tabularFiles } from '../data/fingerprint.js';
import { toParquet } from '../data/snapshot.js';
import { localSource, ownPaths } from '../data/sources.js';

export type ReferenceSetting = string | { model: string; input?: string };

/** The training reference, as one local Parquet file, and what it is in the lineage. */
export interface ResolvedReference {
  /** `data/train.csv`, or `reco@champion → run 8c2e… input orders`. */
  label: string;
  data: DataVersion;
  parquet: string;
  modelVersion: EntityRef | null;
  runId: string | null;
}

export async function resolveReference(ctx: ObserverContext, setting: ReferenceSetting, dir: string): Promise<ResolvedReference> {
  if (typeof setting === 'string') {
    const source = localSource(setting, ctx.baseDir, ownPaths(ctx.config, ctx.baseDir));
    const stamps = await source.list();
    const { files } = await digestFiles(stamps);
    const data = await dataVersionOf(source.uri, stamps, files);
    const tabular = tabularFiles(stamps);
    if (!tabular || tabular === 'mixed' || tabular.files.length === 0) throw invalidArgument(`reference ${setting}: no CSV, Parquet or JSONL rows to compare with`);
    await new ProvenanceStore(ctx.tl.store.db).saveData(data, Date.now());
    const parquet = path.join(dir, 'reference.parquet');
    await toParquet(tabular.files, tabular.format, parquet);
    return { label: setting, data, parquet, modelVersion: null, runId: null };
  }
  return modelReference(ctx, setting, dir);
}

/**
 * The data the model version was trained on: its source run's recorded input (the one named,
 * or the only tabular one). The files are read where the run read them when they still hold
 * the recorded bytes, else from the artifact store (a blob's name is its digest); otherwise the
 * reference is gone and that is said, rather than comparing against something else.
 */
async function modelReference(ctx: ObserverContext, setting: { model: string; input?: string }, dir: string): Promise<ResolvedReference> {
  const mv = await ctx.tl.models.resolve(setting.model);
  const modelVersion: EntityRef = { type: 'model_version', id: `${mv.name}/${mv.version}` };
  if (!mv.runId) throw failedPrecondition(`model ${mv.name} version ${mv.version} has no source run, so no recorded training data: give reference as a path`);
  const run = await ctx.tl.runs.get(mv.runId);
  const inputs = run.io.filter((io) => io.direction === 'input' && io.kind === 'data');
  const versions = await Promise.all(inputs.map(async (io) => ({ io, data: await ctx.tl.runs.dataVersion(io.ref) })));
  const tabular = versions.filter((v) => ['csv', 'jsonl', 'parquet'].includes(v.data.format));
  let chosen;
  if (setting.input) {
    chosen = versions.find((v) => v.io.name === setting.input);
    if (!chosen) throw failedPrecondition(`run ${mv.runId} (model ${mv.name} v${mv.version}) has no data input '${setting.input}'; it read: ${inputs.map((i) => i.name).join(', ') || 'nothing recorded'}`);
  } else {
    if (tabular.length !== 1) {
      throw failedPrecondition(
        tabular.length === 0
          ? `run ${mv.runId} (model ${mv.name} v${mv.version}) recorded no tabular data input (record one with threadline run --input), or give reference as a path`
          : `run ${mv.runId} (model ${mv.name} v${mv.version}) read several tabular inputs (${tabular.map((t) => t.io.name).join(', ')}): choose one with reference.input`,
      );
    }
    chosen = tabular[0]!;
  }
  const { data } = chosen;
  if (!['csv', 'jsonl', 'parquet'].includes(data.format)) throw failedPrecondition(`training input '${chosen.io.name}' is ${data.format} data, not CSV, Parquet or JSONL`);
  const local = await Promise.all(data.files.filter((f) => f.size > 0).map((f, i) => locate(ctx, data, f, dir, i)));
  const parquet = path.join(dir, 'reference.parquet');
  await toParquet(local, data.format as 'csv' | 'jsonl' | 'parquet', parquet);
  return { label: `${setting.model} → run ${mv.runId} input ${chosen.io.name}`, data, parquet, modelVersion, runId: mv.runId };
}

async function locate(ctx: ObserverContext, data: DataVersion, file: DataFile, dir: string, index: number): Promise<string> {
  const candidate = await originalPath(data.uri, file);
  if (candidate && (await sha256File(candidate).catch(() => null))?.digest === file.digest) return candidate;
  if (await ctx.tl.artifacts.has(file.digest)) {
    // Keep the suffix: DuckDB picks the reader and compression from it.
    const target = path.join(dir, `ref-${index}-${path.basename(file.path)}`);
    await pipeline(await ctx.tl.artifacts.open(file.digest), createWriteStream(target));
    return target;
  }
  throw failedPrecondition(`training data ${data.uri} (${file.path}) no longer holds the recorded bytes ${file.digest} and no copy is in the artifact store`, { uri: data.uri });
}

/** Where a manifest file was when the run read it: the file itself, inside the folder, or under the glob's base. */
async function originalPath(uri: string, file: DataFile): Promise<string | null> {
  const stat = await fs.stat(uri).catch(() => null);
  if (stat?.isFile()) return uri;
  if (stat?.isDirectory()) return path.join(uri, ...file.path.split('/'));
  const segments = uri.split(path.sep);
  const firstGlob = segments.findIndex((s) => /[*?[]/.test(s));
  if (firstGlob < 0) return null;
  return path.join(segments.slice(0, firstGlob).join(path.sep) || path.sep, ...file.path.split('/'));
}
