/**
 * Reference vs current drift of two tabular files: read both through DuckDB as column vectors,
 * align their columns, score each with the test src/stats chooses (or the one named), and judge
 * the dataset by the share of drifted columns. The result also carries what a report shows:
 * profiles side by side and histograms of both samples on the same bins.
 */
import path from 'node:path';
import { ColumnReader, type ColumnVector, type TableColumn, type TableSource } from '../capture/columns.js';
import { invalidArgument } from '../errors.js';
import {
  categoricalDrift,
  chooseDriftTest,
  datasetDrift,
  DEFAULT_DRIFT_SHARE,
  DEFAULT_THRESHOLDS,
  distance,
  judged,
  jensenShannonNumeric,
  ks2samp,
  psiNumeric,
  quantileSorted,
  sharedEdges,
  type ColumnDrift,
  type DriftTestName,
  type TestOutcome,
} from '../stats/index.js';
// Not in the stats index: the sorted-input forms, so each million-row column is sorted once.
import { radixSortFloat64 } from '../stats/radix-sort.js';
import { wassersteinNormedSorted } from '../stats/wasserstein.js';
import { startProgress } from '../progress.js';

export type DriftTestOption = DriftTestName | 'auto';

export interface DriftCheckOptions {
  /** `auto` (default) chooses per column as Evidently; a named test applies to every column. */
  test?: DriftTestOption;
  /** Overrides every column's threshold (p-value tests: drift when p < threshold; distances: score >= threshold). */
  threshold?: number;
  /** Compare only these columns (they must exist in both files). */
  columns?: string[];
  /** The dataset drifts when at least this share of columns drift (0.5). */
  driftShare?: number;
}

export interface ProfileSummary {
  count: number;
  missing: number;
  distinct?: number;
  mean?: number;
  std?: number;
  min?: number;
  median?: number;
  max?: number;
  top?: { value: string; count: number }[];
}

/** Counts of both samples on the same bins (numeric) or the same labels (categories). */
export type ColumnHistogram =
  | { kind: 'bins'; edges: number[]; reference: number[]; current: number[] }
  | { kind: 'values'; labels: string[]; reference: number[]; current: number[] };

export interface ColumnDriftReport extends ColumnDrift {
  type: string;
  kind: 'numeric' | 'categorical' | 'binary';
  /** Whether `score` is a p-value (drift below the threshold) or a distance (drift at or above). */
  scoreKind: 'pvalue' | 'distance';
  reference: ProfileSummary;
  current: ProfileSummary;
  histogram: ColumnHistogram;
}

export interface SkippedColumn {
  column: string;
  type: string;
  reason: string;
}

export interface DriftCheckResult {
  reference: { path: string; format: string; rows: number };
  current: { path: string; format: string; rows: number };
  test: DriftTestOption;
  dataset: { drifted: boolean; driftedCount: number; columnCount: number; share: number; driftShare: number };
  /** Drifted columns first, then the reference file's column order. */
  columns: ColumnDriftReport[];
  skipped: SkippedColumn[];
}

const TEST_ALIASES: Record<string, DriftTestOption> = {
  auto: 'auto',
  ks: 'ks',
  chi2: 'chisquare',
  chisquare: 'chisquare',
  z: 'z',
  psi: 'psi',
  wasserstein: 'wasserstein',
  jensenshannon: 'jensenshannon',
  js: 'jensenshannon',
};

/** The CLI's test names (chi2, js…) to the stats module's. */
export function parseTestName(name: string): DriftTestOption {
  const test = TEST_ALIASES[name.toLowerCase()];
  if (!test) throw invalidArgument(`unknown drift test '${name}' (expected one of auto, ks, chi2, z, psi, wasserstein, jensenshannon)`);
  return test;
}

const NUMERIC_ONLY = new Set<DriftTestName>(['ks', 'wasserstein']);
const TOP_LABELS = 12;

export async function checkDrift(referencePath: string, currentPath: string, options: DriftCheckOptions = {}): Promise<DriftCheckResult> {
  const test = options.test ?? 'auto';
  const driftShare = options.driftShare ?? DEFAULT_DRIFT_SHARE;
  if (options.threshold !== undefined && !(options.threshold >= 0)) throw invalidArgument(`threshold must be a number >= 0, got ${options.threshold}`);
  if (!(driftShare > 0 && driftShare <= 1)) throw invalidArgument(`drift share must be in (0, 1], got ${driftShare}`);
  const reader = await ColumnReader.open();
  try {
    const reference = await reader.describe(referencePath, 'reference');
    const current = await reader.describe(currentPath, 'current');
    // Before comparing types: a header-only CSV has every column typed as text.
    if (!(await reader.hasRows(reference, 'reference'))) throw invalidArgument(`reference ${referencePath} has no rows`);
    if (!(await reader.hasRows(current, 'current'))) throw invalidArgument(`current ${currentPath} has no rows`);
    const { pairs, skipped } = alignColumns(reference, current, options.columns);
    if (test !== 'auto' && NUMERIC_ONLY.has(test)) {
      const labelled = pairs.find(([r]) => r.kind !== 'numeric');
      if (labelled) throw invalidArgument(`test ${test} needs numbers but column '${labelled[0].name}' is ${labelled[0].type} (use --test auto or choose --columns)`);
    }
    // Steps: the two reads, then one per column.
    const progress = startProgress(`drift ${path.basename(currentPath)}`, pairs.length + 2, 'items');
    const ref = await reader.read(reference, pairs.map(([r]) => r), 'reference');
    progress.advance(1);
    const cur = await reader.read(current, pairs.map(([, c]) => c), 'current');
    progress.advance(1);
    const columns: ColumnDriftReport[] = [];
    for (const [column] of pairs) {
      progress.advance(1);
      const r = ref.vectors.get(column.name)!;
      const c = cur.vectors.get(column.name)!;
      const empty = present(r) === 0 ? 'reference' : present(c) === 0 ? 'current' : null;
      if (empty) skipped.push({ column: column.name, type: column.type, reason: `no values in ${empty}` });
      else columns.push(scoreColumn(column, r, c, test, options.threshold));
    }
    progress.end();
    if (columns.length === 0) throw invalidArgument('no column to compare: ' + (skipped.map((s) => `${s.column} (${s.reason})`).join(', ') || 'the files have no columns'));
    const verdict = datasetDrift(columns, driftShare);
    const order = new Map(pairs.map(([p], i) => [p.name, i]));
    columns.sort((a, b) => Number(b.drifted) - Number(a.drifted) || order.get(a.column)! - order.get(b.column)!);
    return {
      reference: { path: referencePath, format: reference.format, rows: ref.rows },
      current: { path: currentPath, format: current.format, rows: cur.rows },
      test,
      dataset: { drifted: verdict.drifted, driftedCount: verdict.driftedCount, columnCount: columns.length, share: verdict.share, driftShare },
      columns,
      skipped,
    };
  } finally {
    reader.close();
  }
}

const present = (v: ColumnVector) => (v.kind === 'numeric' ? v.values.length : v.counts.size);

/**
 * Columns compared, in the reference's order. Without `only`, both files must have the same
 * column names; a column numeric on one side and text on the other is refused, not guessed.
 */
export function alignColumns(reference: TableSource, current: TableSource, only?: string[]): { pairs: [TableColumn, TableColumn][]; skipped: SkippedColumn[] } {
  const byName = (s: TableSource) => new Map(s.columns.map((c) => [c.name, c]));
  const refCols = byName(reference);
  const curCols = byName(current);
  let names: string[];
  if (only && only.length > 0) {
    for (const name of only) {
      if (!refCols.has(name)) throw invalidArgument(`column '${name}' is not in reference ${reference.path}`);
      if (!curCols.has(name)) throw invalidArgument(`column '${name}' is not in current ${current.path}`);
    }
    names = [...new Set(only)];
  } else {
    const onlyRef = reference.columns.filter((c) => !curCols.has(c.name)).map((c) => c.name);
    const onlyCur = current.columns.filter((c) => !refCols.has(c.name)).map((c) => c.name);
    if (onlyRef.length || onlyCur.length) {
      const parts = [onlyRef.length ? `only in reference: ${onlyRef.join(', ')}` : '', onlyCur.length ? `only in current: ${onlyCur.join(', ')}` : ''].filter(Boolean);
      throw invalidArgument(`the files have different columns (${parts.join('; ')}); choose common ones with --columns`);
    }
    names = reference.columns.map((c) => c.name);
  }
  const pairs: [TableColumn, TableColumn][] = [];
  const skipped: SkippedColumn[] = [];
  for (const name of names) {
    const r = refCols.get(name)!;
    const c = curCols.get(name)!;
    if (r.kind === 'unsupported' || c.kind === 'unsupported') {
      skipped.push({ column: name, type: r.kind === 'unsupported' ? r.type : c.type, reason: 'type not compared for drift' });
    } else if ((r.kind === 'numeric') !== (c.kind === 'numeric')) {
      throw invalidArgument(`column '${name}' is ${r.type} in reference but ${c.type} in current`);
    } else if (r.kind !== c.kind) {
      // BOOLEAN on one side, text on the other: compare both as labels.
      pairs.push([{ ...r, kind: 'categorical' }, { ...c, kind: 'categorical' }]);
    } else pairs.push([r, c]);
  }
  return { pairs, skipped };
}

function scoreColumn(column: TableColumn, ref: ColumnVector, cur: ColumnVector, test: DriftTestOption, threshold?: number): ColumnDriftReport {
  if (ref.kind === 'numeric' && cur.kind === 'numeric') {
    const r = radixSortFloat64(ref.values);
    const c = radixSortFloat64(cur.values);
    const drift = numericDriftSorted(column.name, r, c, test, threshold);
    return {
      ...drift,
      type: column.type,
      kind: 'numeric',
      scoreKind: scoreKind(drift.test),
      reference: numericSummary(r, ref.missing),
      current: numericSummary(c, cur.missing),
      histogram: numericHistogram(r, c),
    };
  }
  if (ref.kind === 'numeric' || cur.kind === 'numeric') throw new Error(`column ${column.name}: numeric on one side only`);
  const kind = ref.kind === 'binary' && cur.kind === 'binary' ? 'binary' : 'categorical';
  const drift = categoricalDrift(column.name, kind, ref.counts, cur.counts, test === 'auto' ? { threshold } : { test, threshold });
  return {
    ...drift,
    type: column.type,
    kind,
    scoreKind: scoreKind(drift.test),
    reference: categoricalSummary(ref.counts, ref.missing),
    current: categoricalSummary(cur.counts, cur.missing),
    histogram: labelHistogram(ref.counts, cur.counts),
  };
}

const scoreKind = (test: DriftTestName) => (test === 'ks' || test === 'chisquare' || test === 'z' ? 'pvalue' : 'distance');

/**
 * src/stats numericDrift on samples sorted once: the same choice and scores, but the distinct
 * counts walk the sorted arrays instead of building a Set of every value (a second per column
 * at a million rows). Tests keep the two in agreement.
 */
export function numericDriftSorted(column: string, ref: Float64Array, cur: Float64Array, test: DriftTestOption, threshold?: number): ColumnDrift {
  const chosen = test === 'auto' ? chooseDriftTest('numeric', ref.length, unionDistinct(ref, cur, 6)).test : test;
  const limit = threshold ?? DEFAULT_THRESHOLDS[chosen];
  const byValue = distinctUpTo(ref, 21) <= 20;
  let outcome: TestOutcome;
  if (chosen === 'ks') outcome = ks2samp(ref, cur, { presorted: true });
  else if (chosen === 'wasserstein') outcome = distance(wassersteinNormedSorted(ref, cur));
  else if (chosen === 'jensenshannon' && !byValue) outcome = distance(jensenShannonNumeric(ref, cur));
  else if (chosen === 'psi' && !byValue) outcome = distance(psiNumeric(ref, cur));
  // chisquare, z, and the binned tests on few values: values as labels, as Evidently.
  else return categoricalDrift(column, 'categorical', valueCounts(ref), valueCounts(cur), { test: chosen, threshold: limit });
  return judged(column, chosen, outcome, limit);
}

/**
 * Distinct values of the union of two sorted arrays, by one merge; stops once past `cap` (the
 * test choice only asks "more than 5?", the histogram "at most 20?").
 */
export function unionDistinct(a: Float64Array, b: Float64Array, cap = Infinity): number {
  let i = 0;
  let j = 0;
  let k = 0;
  while ((i < a.length || j < b.length) && k <= cap) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    k++;
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
  }
  return k;
}

function distinctUpTo(sorted: Float64Array, cap: number): number {
  let k = 0;
  for (let i = 0; i < sorted.length && k < cap; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) k++;
  return k;
}

/** Counts by value label (String(x), as the stats module labels numbers) from sorted runs. */
function valueCounts(sorted: Float64Array): Map<string, number> {
  const counts = new Map<string, number>();
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i === sorted.length || sorted[i] !== sorted[start]) {
      const key = String(sorted[start]);
      counts.set(key, (counts.get(key) ?? 0) + i - start);
      start = i;
    }
  }
  return counts;
}

function numericSummary(sorted: Float64Array, missing: number): ProfileSummary {
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i]! - mean) ** 2;
  return { count: n, missing, distinct: distinctUpTo(sorted, Infinity), mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN, min: sorted[0]!, median: quantileSorted(sorted, 0.5), max: sorted[n - 1]! };
}

function categoricalSummary(counts: Map<string, number>, missing: number): ProfileSummary {
  let count = 0;
  for (const v of counts.values()) count += v;
  const top = [...counts.entries()].sort(([va, a], [vb, b]) => b - a || (va < vb ? -1 : va > vb ? 1 : 0)).slice(0, 5).map(([value, n]) => ({ value, count: n }));
  return { count, missing, distinct: counts.size, top };
}

/** Few distinct values: one bar per value; otherwise shared equal-width ('sturges') bins over both samples. */
function numericHistogram(ref: Float64Array, cur: Float64Array): ColumnHistogram {
  if (unionDistinct(ref, cur, 20) <= 20) {
    const r = valueCounts(ref);
    const c = valueCounts(cur);
    const values = [...new Set([...r.keys(), ...c.keys()])].sort((a, b) => Number(a) - Number(b));
    return { kind: 'values', labels: values, reference: values.map((v) => r.get(v) ?? 0), current: values.map((v) => c.get(v) ?? 0) };
  }
  const edges = sharedEdges(ref, cur);
  return { kind: 'bins', edges, reference: binSorted(ref, edges), current: binSorted(cur, edges) };
}

/** numpy.histogram counts of a sorted sample whose values all lie within the edges. */
function binSorted(sorted: Float64Array, edges: number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (k < bins - 1 && sorted[i]! >= edges[k + 1]!) k++;
    counts[k]!++;
  }
  return counts;
}

/** The most frequent labels over both samples, the rest folded into one "other" bar. */
function labelHistogram(ref: Map<string, number>, cur: Map<string, number>): ColumnHistogram {
  const total = new Map<string, number>();
  for (const m of [ref, cur]) for (const [k, v] of m) total.set(k, (total.get(k) ?? 0) + v);
  const ranked = [...total.entries()].sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([k]) => k);
  const shown = ranked.length > TOP_LABELS ? ranked.slice(0, TOP_LABELS - 1) : ranked;
  const rest = ranked.slice(shown.length);
  const sumOf = (m: Map<string, number>) => rest.reduce((s, k) => s + (m.get(k) ?? 0), 0);
  const labels = [...shown, ...(rest.length ? [`other (${rest.length} values)`] : [])];
  return {
    kind: 'values',
    labels,
    reference: [...shown.map((k) => ref.get(k) ?? 0), ...(rest.length ? [sumOf(ref)] : [])],
    current: [...shown.map((k) => cur.get(k) ?? 0), ...(rest.length ? [sumOf(cur)] : [])],
  };
}
