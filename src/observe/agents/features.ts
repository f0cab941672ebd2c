import path from 'node:path';
import { z } from 'zod';
import { digestJson } from '../../capture/canonical.js';
import { parseDuration } from '../../duration.js';
import { invalidArgument, isThreadlineError } from '../../errors.js';
import type { EntityRef } from '../../lineage/types.js';
import { ProvenanceStore } from '../../tracking/provenance-store.js';
import type { ObserverAgent, ObserverContext } from '../agent.js';
import { comparableColumns, driftScores, profileDiff } from '../data/compare.js';
import { dataVersionOf, digestFiles, movedStamps, sameStamps, tabularFiles, type KnownFiles } from '../data/fingerprint.js';
import { scratch, toParquet } from '../data/snapshot.js';
import { localSource, ownPaths } from '../data/sources.js';
import { checkDrift, parseTestName } from '../../drift/drift-check.js';
import { diffCode, featureCodeDigests } from '../features/code-files.js';
import { resolveReference } from '../features/reference.js';

export const featuresSettings = z
  .object({
    /** Feature code: files, folders or globs relative to threadline.yaml's folder. */
    code: z.array(z.string().min(1)).optional(),
    /** The feature table (CSV, Parquet, JSONL; a file, folder or glob). */
    table: z.string().min(1).optional(),
    /** What the model was trained on: a file, or the recorded input of a model version's run. */
    reference: z.union([z.string().min(1), z.object({ model: z.string().min(1), input: z.string().min(1).optional() }).strict()]).optional(),
    columns: z.array(z.string().min(1)).min(1).optional(),
    drift: z
      .object({ test: z.string().default('auto'), threshold: z.number().nonnegative().optional(), share: z.number().gt(0).max(1).optional() })
      .strict()
      .default({ test: 'auto' }),
    min_age: z.union([z.string(), z.number()]).default('5s'),
  })
  .strict()
  .refine((s) => s.code || s.table, { message: 'give code (feature code globs), table (the feature output), or both' })
  .refine((s) => !s.table || s.reference, { message: 'a table needs a reference (a file, or {model: name@alias}) to compare with' })
  .refine((s) => (s.reference ? s.table : true), { message: 'reference is only used with a table' })
  .refine(
    (s) => {
      try {
        parseTestName(s.drift.test);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'drift.test: unknown test (auto, ks, chi2, z, psi, wasserstein, jensenshannon)' },
  );

export type FeaturesSettings = z.infer<typeof featuresSettings>;

interface FeaturesState {
  code?: KnownFiles;
  table?: { uri: string; files: KnownFiles; seen: string; version: string | null };
}

const stateKey = 'features';

export const featuresAgent: ObserverAgent<FeaturesSettings> = {
  stage: 'features',
  defaultInterval: '5m',
  settings: featuresSettings as unknown as z.ZodType<FeaturesSettings>,
  async poke(ctx, settings) {
    const state = (await ctx.state.get<FeaturesState>(stateKey)) ?? {};
    if (settings.code) await pokeCode(ctx, settings.code, state);
    if (settings.table) await pokeTable(ctx, settings, state);
  },
};

async function pokeCode(ctx: ObserverContext, patterns: string[], state: FeaturesState): Promise<void> {
  const { files, unchanged } = await featureCodeDigests(patterns, ctx.baseDir, state.code, ownPaths(ctx.config, ctx.baseDir));
  if (unchanged) return;
  const before = state.code;
  // Remembered only once the finding is recorded: a crash in between repeats it rather than losing it.
  const remember = async () => {
    state.code = files;
    await ctx.state.set(stateKey, state);
  };
  // The first look only learns the files: a change is against something seen.
  if (!before) return remember();
  const change = diffCode(before, files);
  const paths = [...change.modified.map((m) => m.path), ...change.added, ...change.removed];
  if (paths.length === 0) return remember();
  const list = paths.length > 4 ? `${paths.slice(0, 4).join(', ')} and ${paths.length - 4} more` : paths.join(', ');
  await ctx.emit({
    stage: 'features',
    kind: 'feature_code_changed',
    severity: 'info',
    summary: `feature code changed: ${list}`,
    subjects: [],
    details: { patterns, ...change, digest: digestJson(Object.entries(files).map(([p, f]) => [p, f.digest])) },
    fingerprint: `feature_code_changed:${digestJson(Object.entries(files).map(([p, f]) => [p, f.digest]))}`,
  });
  await remember();
}

async function pokeTable(ctx: ObserverContext, settings: FeaturesSettings, state: FeaturesState): Promise<void> {
  const source = localSource(settings.table!, ctx.baseDir, ownPaths(ctx.config, ctx.baseDir));
  const stamps = await source.list();
  const known = state.table?.uri === source.uri ? state.table : undefined;
  if (known && sameStamps(stamps, known.files)) return;
  const minAge = parseDuration(settings.min_age, 'min_age');
  if (movedStamps(stamps, known?.files).some((s) => Date.now() - s.mtimeMs < minAge)) {
    ctx.log(`${settings.table} changed less than ${settings.min_age} ago: waiting for the writer to finish`);
    return;
  }
  const { files, known: nextFiles } = await digestFiles(stamps, known?.files);
  const digest = digestJson(files);
  const remember = async (version: string | null) => {
    state.table = { uri: source.uri, files: nextFiles, seen: digest, version };
    await ctx.state.set(stateKey, state);
  };
  if (known && known.seen === digest) return remember(known.version);

  const work = await scratch();
  try {
    const current = path.join(work.dir, 'current.parquet');
    let version;
    try {
      version = await dataVersionOf(source.uri, stamps, files);
      const tabular = tabularFiles(stamps);
      if (!tabular || tabular === 'mixed' || tabular.files.length === 0) throw invalidArgument(`${source.uri}: no CSV, Parquet or JSONL rows (by suffix .csv, .tsv, .parquet, .jsonl, .ndjson)`);
      await toParquet(tabular.files, tabular.format, current);
    } catch (error) {
      if (!isThreadlineError(error) || error.code !== 'INVALID_ARGUMENT') throw error;
      await ctx.emit({
        stage: 'features',
        kind: 'features_unreadable',
        severity: 'error',
        summary: `feature table ${settings.table} cannot be read: ${error.message}`,
        subjects: [],
        details: { uri: source.uri, digest, error: error.message },
        fingerprint: `features_unreadable:${source.uri}:${digest}`,
      });
      return remember(known?.version ?? null);
    }
    await new ProvenanceStore(ctx.tl.store.db).saveData(version, Date.now());
    const reference = await resolveReference(ctx, settings.reference!, work.dir);
    const columns = settings.columns ?? comparableColumns(reference.data.schema ?? [], version.schema ?? []);
    if (columns.length === 0) throw invalidArgument(`feature table ${source.uri} and reference ${reference.label} share no column to compare: name them with columns`);
    const drift = await checkDrift(reference.parquet, current, { test: parseTestName(settings.drift.test), threshold: settings.drift.threshold, driftShare: settings.drift.share, columns });

    const subjects: EntityRef[] = [{ type: 'data', id: version.digest }, { type: 'data', id: reference.data.digest }];
    if (reference.modelVersion) subjects.push(reference.modelVersion);
    if (known?.version && known.version !== version.digest) subjects.push({ type: 'data', id: known.version });
    const drifted = drift.columns.filter((c) => c.drifted);
    const d = drift.dataset;
    const details = {
      table: { uri: source.uri, digest: version.digest, rows: version.rowCount, previous: known?.version ?? null },
      reference: { label: reference.label, uri: reference.data.uri, digest: reference.data.digest, rows: reference.data.rowCount, modelVersion: reference.modelVersion?.id ?? null, runId: reference.runId },
      test: drift.test,
      dataset: d,
      columns: driftScores(drift),
      skipped: drift.skipped,
      profile: profileDiff(drift),
    };
    if (drifted.length > 0) {
      await ctx.emit({
        stage: 'features',
        kind: 'feature_drift',
        severity: 'warning',
        summary: `features drifted from the training reference (${reference.label}): ${drifted.map((c) => `${c.column} (${c.test})`).join(', ')}; ${d.driftedCount} of ${d.columnCount} columns (share ${d.share.toFixed(2)}, dataset drift ${d.drifted ? 'yes' : 'no'})`,
        subjects,
        details,
        fingerprint: `feature_drift:${source.uri}:${drifted.map((c) => c.column).sort().join(',')}`.slice(0, 256),
      });
    } else {
      await ctx.emit({
        stage: 'features',
        kind: known ? 'features_changed' : 'features_discovered',
        severity: 'info',
        summary: `feature table ${settings.table} ${known ? 'changed' : 'first seen'}: ${version.rowCount} rows, no drift from the training reference on ${d.columnCount} columns`,
        subjects,
        details,
        fingerprint: `features_changed:${source.uri}:${version.digest}`,
      });
    }
    await remember(version.digest);
  } finally {
    await work.done();
  }
}
