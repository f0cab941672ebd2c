import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { digestJson } from '../../capture/canonical.js';
import type { ColumnSchema, DataFile, DataVersion } from '../../capture/types.js';
import { parseDuration } from '../../duration.js';
import { isThreadlineError } from '../../errors.js';
import type { EntityRef } from '../../lineage/types.js';
import { ProvenanceStore } from '../../tracking/provenance-store.js';
import type { ObserverAgent, ObserverContext } from '../agent.js';
import { comparableColumns, describeSchemaDiff, diffManifest, diffSchema, driftScores, profileDiff, schemaChanged } from '../data/compare.js';
import { dvcMatchesWorkspace, dvcPointerCandidates, readDvcOuts, stampPointers, type DvcOut } from '../../capture/dvc.js';
import { dataVersionOf, digestFiles, movedStamps, sameStamps, tabularFiles, type KnownFiles } from '../data/fingerprint.js';
import { fetchSnapshot, keepSnapshot, scratch, toParquet } from '../data/snapshot.js';
import { localSource, ownPaths, s3Source, type DataSource } from '../data/sources.js';
import { checkVersion } from '../data/validate.js';
import { checkDrift, parseTestName, type DriftCheckResult } from '../../drift/drift-check.js';

const duration = z.union([z.string(), z.number()]);

export const dataSettings = z
  .object({
    /** A file, folder or glob, relative to the folder of threadline.yaml. */
    path: z.string().min(1).optional(),
    /** `s3://bucket/prefix`: every object under it. */
    s3: z.string().regex(/^s3:\/\/[A-Za-z0-9]/, 'must be s3://bucket/prefix').optional(),
    /** Read every file as this format whatever its suffix. */
    format: z.enum(['csv', 'jsonl', 'parquet']).optional(),
    /** An expectation suite (YAML/JSON) run on each new version. */
    suite: z.string().min(1).optional(),
    /** Drift against the previous version; `false` keeps no snapshot and compares nothing. */
    drift: z
      .union([
        z.literal(false),
        z.object({ test: z.string().default('auto'), threshold: z.number().nonnegative().optional(), columns: z.array(z.string()).optional() }).strict(),
      ])
      .default({ test: 'auto' }),
    /** A file changed less than this long ago may still be being written: look again next poke. */
    min_age: duration.default('5s'),
  })
  .strict()
  .refine((s) => Boolean(s.path) !== Boolean(s.s3), { message: 'give exactly one of path or s3' })
  .refine((s) => s.drift === false || parseTestOk(s.drift.test), { message: 'drift.test: unknown test (auto, ks, chi2, z, psi, wasserstein, jensenshannon)' });

export type DataSettings = z.infer<typeof dataSettings>;

function parseTestOk(name: string): boolean {
  try {
    parseTestName(name);
    return true;
  } catch {
    return false;
  }
}

/** The last version read successfully: what the next one is compared with. */
interface GoodVersion {
  digest: string;
  rowCount: number | null;
  schema: ColumnSchema[] | null;
  format: DataVersion['format'];
  /** Blob digest of its Parquet snapshot (for drift once the source has been overwritten). */
  snapshot: string | null;
}

interface DataState {
  uri: string;
  /** Per file: size, mtime (ETag) and digest, so an untouched file is never read again. */
  files: KnownFiles;
  /** Size and mtime of the DVC pointer files. */
  pointers: Record<string, string>;
  dvc: DvcOut[];
  /** Content digest last seen, readable or not. */
  seen: string;
  version: GoodVersion | null;
}

const stateKey = 'data';

export const dataAgent: ObserverAgent<DataSettings> = {
  stage: 'data',
  defaultInterval: '1m',
  settings: dataSettings as unknown as z.ZodType<DataSettings>,
  async poke(ctx, settings) {
    const source = sourceOf(ctx, settings);
    try {
      await pokeSource(ctx, settings, source);
    } finally {
      source.close();
    }
  },
};

async function pokeSource(ctx: ObserverContext, settings: DataSettings, source: DataSource): Promise<void> {
  // Summaries name the source as written in threadline.yaml; details carry the absolute URI.
  const label = settings.s3 ?? settings.path!;
  const stamps = await source.list();
  const state = await ctx.state.get<DataState>(stateKey);
  const known = state?.uri === source.uri ? state : undefined;

  const candidates = source.localPath ? dvcPointerCandidates(source.localPath, stamps.map((s) => s.absPath), ctx.baseDir) : [];
  const pointers = await stampPointers(candidates);
  if (known && sameStamps(stamps, known.files) && JSON.stringify(pointers) === JSON.stringify(known.pointers)) return;

  const minAge = parseDuration(settings.min_age, 'min_age');
  const fresh = movedStamps(stamps, known?.files).filter((s) => Date.now() - s.mtimeMs < minAge);
  if (fresh.length > 0) {
    ctx.log(`${fresh.map((s) => s.path).join(', ')} changed less than ${settings.min_age} ago: waiting for the writer to finish`);
    return;
  }

  await source.materialize(stamps, known?.files);
  const { files, known: nextFiles, read } = await digestFiles(stamps, known?.files);
  const digest = digestJson(files);
  const dvc = source.localPath ? await readDvcOuts(source.localPath, stamps.map((s) => s.absPath), candidates, ctx.baseDir) : [];
  const remember = (over: Partial<DataState>) =>
    ctx.state.set(stateKey, { uri: source.uri, files: nextFiles, pointers, dvc, seen: digest, version: known?.version ?? null, ...over } satisfies DataState);

  if (known && digest === known.seen) {
    // Touched but the same bytes; only the DVC pointer may have moved (git pull without dvc pull).
    // Emitted before the state moves on: a crash in between repeats the finding rather than losing it.
    if (JSON.stringify(dvc) !== JSON.stringify(known.dvc)) await emitDvcChanged(ctx, source.uri, label, known, dvc, digest);
    await remember({});
    return;
  }
  ctx.log(`${label}: read ${read} of ${files.length} file(s); content ${known ? 'changed' : 'first seen'}`);

  const tabular = settings.format ? { format: settings.format, files: stamps.filter((s) => s.size > 0).map((s) => s.absPath) } : tabularFiles(stamps);
  const work = await scratch();
  try {
    let version: DataVersion;
    let snapshotFile: string | null = null;
    try {
      version = await dataVersionOf(source.uri, stamps, files, settings.format);
      if (settings.drift !== false && tabular && tabular !== 'mixed' && tabular.files.length > 0) {
        snapshotFile = path.join(work.dir, 'current.parquet');
        await toParquet(tabular.files, tabular.format, snapshotFile);
      }
    } catch (error) {
      if (!isThreadlineError(error) || error.code !== 'INVALID_ARGUMENT') throw error;
      await ctx.emit({
        stage: 'data',
        kind: 'data_unreadable',
        severity: 'error',
        summary: `${label} cannot be read: ${error.message}`,
        subjects: known?.version ? [{ type: 'data', id: known.version.digest }] : [],
        details: { uri: source.uri, digest, error: error.message, files: files.map((f) => f.path), lastGoodVersion: known?.version?.digest ?? null },
        fingerprint: `data_unreadable:${source.uri}:${digest}`,
      });
      await remember({});
      return;
    }

    const now = Date.now();
    await new ProvenanceStore(ctx.tl.store.db).saveData(version, now);
    const snapshot = snapshotFile ? await keepSnapshot(ctx.tl.artifacts, snapshotFile) : null;
    const dvcDetails = dvc.length ? { outs: dvc, matchesWorkspace: await dvcMatchesWorkspace(dvc, ctx.baseDir) } : undefined;
    const self: EntityRef = { type: 'data', id: version.digest };
    const good: GoodVersion = { digest: version.digest, rowCount: version.rowCount, schema: version.schema, format: version.format, snapshot };

    // Before any event: a suite that cannot be read fails this poke and the next one tries again.
    const validation = settings.suite && tabular && tabular !== 'mixed' && tabular.files.length > 0 ? await checkVersion(ctx, settings.suite, version, tabular) : null;

    const previous = known?.version;
    if (!previous) {
      await ctx.emit({
        stage: 'data',
        kind: 'data_discovered',
        severity: 'info',
        summary: `${label}: first seen, ${describeVersion(version)}`,
        subjects: [self],
        details: { uri: source.uri, digest: version.digest, format: version.format, files: version.files.length, totalSize: version.totalSize, rows: version.rowCount, schema: version.schema, ...(dvcDetails ? { dvc: dvcDetails } : {}) },
        fingerprint: `data_discovered:${source.uri}:${version.digest}`,
      });
    } else {
      const before: EntityRef = { type: 'data', id: previous.digest };
      const manifest = diffManifest(knownAsFiles(known!.files), files);
      const schema = diffSchema(previous.schema, version.schema);
      const drift = await driftAgainst(ctx, settings, previous, version, snapshotFile, work.dir);
      const rows = { before: previous.rowCount, after: version.rowCount, change: previous.rowCount !== null && version.rowCount !== null ? version.rowCount - previous.rowCount : null };
      const rowNote = rows.change === null ? '' : `, rows ${previous.rowCount} → ${version.rowCount}`;
      await ctx.emit({
        stage: 'data',
        kind: 'data_changed',
        severity: 'info',
        summary: `${label} changed: ${describeManifest(manifest)}${rowNote}`,
        subjects: [self, before],
        details: {
          uri: source.uri,
          before: previous.digest,
          after: version.digest,
          rows,
          files: manifest,
          schema,
          profile: drift.result ? profileDiff(drift.result) : null,
          drift: drift.result ? { test: drift.result.test, dataset: drift.result.dataset, columns: driftScores(drift.result), skipped: drift.result.skipped } : null,
          ...(drift.error ? { driftError: drift.error } : {}),
          ...(dvcDetails ? { dvc: { ...dvcDetails, before: known!.dvc } } : {}),
        },
        fingerprint: `data_changed:${source.uri}:${version.digest}`,
      });
      if (schemaChanged(schema)) {
        await ctx.emit({
          stage: 'data',
          kind: 'schema_changed',
          severity: 'warning',
          summary: `${label} schema changed: ${describeSchemaDiff(schema)}`,
          subjects: [self, before],
          details: { uri: source.uri, before: previous.digest, after: version.digest, ...schema, schemaBefore: previous.schema, schemaAfter: version.schema },
          fingerprint: `schema_changed:${source.uri}:${describeSchemaDiff(schema)}`.slice(0, 256),
        });
      }
      const drifted = drift.result?.columns.filter((c) => c.drifted) ?? [];
      if (drift.result && drifted.length > 0) {
        const d = drift.result.dataset;
        await ctx.emit({
          stage: 'data',
          kind: 'drift_detected',
          severity: 'warning',
          summary: `${label} drifted from the previous version: ${drifted.map((c) => `${c.column} (${c.test} ${formatScore(c.score)})`).join(', ')}; ${d.driftedCount} of ${d.columnCount} columns, dataset drift ${d.drifted ? 'yes' : 'no'}`,
          subjects: [self, before],
          details: { uri: source.uri, reference: previous.digest, current: version.digest, test: drift.result.test, dataset: d, columns: driftScores(drift.result) },
          fingerprint: `drift_detected:${source.uri}:${drifted.map((c) => c.column).sort().join(',')}`.slice(0, 256),
        });
      }
    }
    await validation?.record();
    await remember({ version: good });
  } finally {
    await work.done();
  }
}

function sourceOf(ctx: ObserverContext, settings: DataSettings): DataSource {
  if (settings.s3) {
    const home = (ctx.config as { home?: string } | undefined)?.home ?? path.join(os.tmpdir(), 'threadline');
    const mirror = path.join(home, 'observe', ctx.name.replace(/[^A-Za-z0-9_.-]/g, '_'), 'mirror');
    return s3Source(settings.s3, ctx.config, mirror);
  }
  return localSource(settings.path!, ctx.baseDir, ownPaths(ctx.config, ctx.baseDir));
}

/** Drift of the new version against the previous one's snapshot, on the columns both can compare. */
async function driftAgainst(
  ctx: ObserverContext,
  settings: DataSettings,
  previous: GoodVersion,
  version: DataVersion,
  current: string | null,
  dir: string,
): Promise<{ result?: DriftCheckResult; error?: string }> {
  if (settings.drift === false || !current || !previous.snapshot || !previous.schema || !version.schema) return {};
  const columns = comparableColumns(previous.schema, version.schema, settings.drift.columns);
  if (columns.length === 0) return { error: 'no column the two versions can be compared on' };
  try {
    const reference = await fetchSnapshot(ctx.tl.artifacts, previous.snapshot, dir, 'previous');
    return { result: await checkDrift(reference, current, { test: parseTestName(settings.drift.test), threshold: settings.drift.threshold, columns }) };
  } catch (error) {
    // No rows on one side, a snapshot gone from the store: the change is still reported.
    return { error: (error as Error).message };
  }
}

async function emitDvcChanged(ctx: ObserverContext, uri: string, label: string, known: DataState, dvc: DvcOut[], digest: string): Promise<void> {
  const matches = dvc.length ? await dvcMatchesWorkspace(dvc, ctx.baseDir) : null;
  const hashes = (outs: DvcOut[]) => outs.map((o) => `${o.path}=${o.md5 ?? '?'}`).join(', ') || 'none';
  await ctx.emit({
    stage: 'data',
    kind: 'dvc_changed',
    // DVC now names content the workspace does not hold: someone forgot `dvc pull` (or `dvc add`).
    severity: matches === false ? 'warning' : 'info',
    summary: `${label}: DVC pointer changed (${hashes(known.dvc)} → ${hashes(dvc)})${matches === false ? '; the workspace data does not match it (run dvc pull)' : ''}`,
    subjects: known.version ? [{ type: 'data', id: known.version.digest }] : [],
    details: { uri, before: known.dvc, after: dvc, matchesWorkspace: matches, dataDigest: known.version?.digest ?? digest },
    fingerprint: `dvc_changed:${uri}:${hashes(dvc)}`.slice(0, 256),
  });
}

function knownAsFiles(known: KnownFiles): DataFile[] {
  return Object.entries(known).map(([p, k]) => ({ path: p, size: k.size, digest: k.digest }));
}

function describeVersion(v: DataVersion): string {
  const parts = [`${v.files.length} file${v.files.length === 1 ? '' : 's'}`, v.format];
  if (v.rowCount !== null) parts.push(`${v.rowCount} rows`);
  if (v.schema) parts.push(`${v.schema.length} columns`);
  return parts.join(', ');
}

function describeManifest(m: { added: string[]; removed: string[]; changed: string[] }): string {
  const list = (xs: string[]) => (xs.length > 3 ? `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more` : xs.join(', '));
  return [m.changed.length ? `changed ${list(m.changed)}` : '', m.added.length ? `added ${list(m.added)}` : '', m.removed.length ? `removed ${list(m.removed)}` : ''].filter(Boolean).join('; ') || 'content changed';
}

function formatScore(x: number): string {
  return x === 0 || (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4) ? x.toFixed(3) : x.toExponential(2);
}
