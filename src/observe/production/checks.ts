/**
 * The verdicts of one window: input drift against the training reference, prediction drift,
 * performance from feedback, fairness by a sensitive attribute, latency and error rate. Each is
 * a Finding (or null when there is no verdict: not configured, or too few rows); the agent turns
 * changes of verdict into events. Every statistic comes from src/stats.
 */
import type { ColumnVector } from '../../capture/columns.js';
import type { Severity } from '../../events/types.js';
import {
  categoricalDrift,
  datasetDrift,
  demographicParity,
  disparateImpact,
  equalizedOdds,
  groupRates,
  quantileSorted,
  type ColumnDrift,
  type Label,
} from '../../stats/index.js';
import { accuracy, meanAbsoluteError, precisionAtK, precisionRecallF1, rootMeanSquaredError, type ClassLabel } from '../../stats/performance.js';
import { radixSortFloat64 } from '../../stats/radix-sort.js';
import { numericDriftSorted, parseTestName, type DriftTestOption } from '../../drift/drift-check.js';
import type { ReferenceData } from './reference.js';
import { defaultMetric, errorMetrics, type ProductionSettings } from './settings.js';
import { labelKey, type FeatureColumn, type WindowData } from './window.js';

export type CheckName = 'input_drift' | 'prediction_drift' | 'performance' | 'fairness' | 'latency' | 'error_rate';

export interface Finding {
  check: CheckName;
  /** Whether the window breaks the threshold. */
  bad: boolean;
  /** While bad, a changed signature (another set of drifted columns) is a new finding. */
  signature: string;
  kind: string;
  severity: Severity;
  summary: string;
  details: Record<string, unknown>;
}

/** The kind and severity of a check going back to normal. */
export const recovery: Record<CheckName, string> = {
  input_drift: 'no_drift',
  prediction_drift: 'no_prediction_drift',
  performance: 'performance_recovered',
  fairness: 'fairness_restored',
  latency: 'latency_ok',
  error_rate: 'error_rate_ok',
};

export const windowOf = (w: WindowData, count: number) => ({ from: w.from, to: w.to, count });

const fmt = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString()) : String(x));
const NUMERIC_ONLY = new Set(['ks', 'wasserstein']);

function columnDrift(name: string, ref: ColumnVector, cur: FeatureColumn, test: DriftTestOption, threshold: number | undefined): ColumnDrift {
  if (ref.kind === 'numeric' && cur.kind === 'numeric') return numericDriftSorted(name, ref.values, radixSortFloat64(cur.values.values()), test, threshold);
  if (ref.kind === 'numeric' || cur.kind === 'numeric') throw new Error(`column ${name}: numeric on one side only`);
  // ks and wasserstein need numbers: labels take the automatic choice instead.
  const named = test === 'auto' || NUMERIC_ONLY.has(test) ? {} : { test };
  return categoricalDrift(name, ref.kind === 'binary' && cur.kind === 'binary' ? 'binary' : 'categorical', ref.counts, cur.counts, { ...named, threshold });
}

const present = (c: FeatureColumn) => (c.kind === 'numeric' ? c.values.length : [...c.counts.values()].reduce((s, n) => s + n, 0));

const driftColumns = (columns: ColumnDrift[]) => Object.fromEntries(columns.map((c) => [c.column, { test: c.test, score: c.score, threshold: c.threshold, drifted: c.drifted }]));

function describeColumn(c: ColumnDrift): string {
  const p = c.test === 'ks' || c.test === 'chisquare' || c.test === 'z';
  return `${c.column} (${c.test} ${p ? 'p=' : ''}${fmt(c.score)})`;
}

export function inputDrift(window: WindowData, reference: ReferenceData, settings: ProductionSettings, deployment: string): Finding | null {
  if (settings.drift === false || window.rows < settings.min_count) return null;
  const test = parseTestName(settings.drift.test);
  const columns: ColumnDrift[] = [];
  const absent: string[] = [];
  for (const [name, current] of window.features) {
    const ref = reference.vectors.get(name);
    if (!ref || present(current) === 0) {
      absent.push(name);
      continue;
    }
    if ((ref.kind === 'numeric' ? ref.values.length : ref.counts.size) === 0) continue;
    columns.push(columnDrift(name, ref, current, test, settings.drift.threshold));
  }
  if (columns.length === 0) return null;
  const verdict = datasetDrift(columns, settings.drift.share);
  const drifted = columns.filter((c) => c.drifted);
  const details = {
    columns: driftColumns(columns),
    share: verdict.share,
    datasetDrift: verdict.drifted,
    driftShare: settings.drift.share,
    window: windowOf(window, window.rows),
    reference: { source: reference.source.label, rows: reference.rows },
    ...(absent.length ? { absent } : {}),
    skipped: window.skipped,
    ...(window.skipped ? { skippedReasons: window.skippedReasons } : {}),
  };
  const summary = verdict.drifted
    ? `input drift on ${deployment}: ${drifted.length} of ${columns.length} columns drifted (${drifted.slice(0, 4).map(describeColumn).join(', ')}${drifted.length > 4 ? ', …' : ''}) over ${window.rows} rows`
    : `no input drift on ${deployment}: ${drifted.length} of ${columns.length} columns drifted over ${window.rows} rows`;
  return { check: 'input_drift', bad: verdict.drifted, signature: drifted.map((c) => c.column).sort().join(','), kind: verdict.drifted ? 'input_drift' : recovery.input_drift, severity: verdict.drifted ? 'warning' : 'info', summary, details };
}

function keyCounts(keys: readonly (string | null)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

function presentNumbers(values: Float64Array): Float64Array {
  return radixSortFloat64(values.filter((v) => !Number.isNaN(v)));
}

/** Counts of a reference column read as labels (numbers by their JS text, as the window's keys). */
function vectorCounts(vector: ColumnVector): Map<string, number> {
  if (vector.kind !== 'numeric') return vector.counts;
  const counts = new Map<string, number>();
  for (const v of vector.values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  return counts;
}

/**
 * The window's predictions against the reference's prediction column when configured, else the
 * window before. Ranking outputs (lists) are not compared.
 */
export function predictionDrift(window: WindowData, previous: WindowData | null, reference: ReferenceData | null, settings: ProductionSettings, deployment: string): Finding | null {
  if (settings.drift === false || settings.task === 'ranking') return null;
  const refColumn = settings.reference_prediction_column ? reference?.vectors.get(settings.reference_prediction_column) : undefined;
  if (!refColumn && (!previous || previous.rows < settings.min_count)) return null;
  const test = parseTestName(settings.drift.test);
  const threshold = settings.drift.threshold;
  let drift: ColumnDrift;
  let currentCount: number;
  if (settings.task === 'regression') {
    const cur = presentNumbers(window.predictionNumbers.values());
    const ref = refColumn ? (refColumn.kind === 'numeric' ? refColumn.values : null) : presentNumbers(previous!.predictionNumbers.values());
    if (!ref || ref.length === 0 || cur.length < settings.min_count) return null;
    drift = numericDriftSorted('prediction', ref, cur, test, threshold);
    currentCount = cur.length;
  } else {
    const cur = keyCounts(window.predictionKeys);
    const ref = refColumn ? vectorCounts(refColumn) : keyCounts(previous!.predictionKeys);
    currentCount = [...cur.values()].reduce((s, n) => s + n, 0);
    if (ref.size === 0 || currentCount < settings.min_count) return null;
    const named = test === 'auto' || NUMERIC_ONLY.has(test) ? {} : { test };
    drift = categoricalDrift('prediction', 'categorical', ref, cur, { ...named, threshold });
  }
  const against = refColumn ? { reference: settings.reference_prediction_column, source: reference!.source.label } : { previousWindow: windowOf(previous!, previous!.rows) };
  const what = refColumn ? 'the reference' : 'the previous window';
  const summary = drift.drifted ? `prediction drift on ${deployment} against ${what}: ${describeColumn(drift)} over ${currentCount} predictions` : `no prediction drift on ${deployment} against ${what}`;
  return {
    check: 'prediction_drift',
    bad: drift.drifted,
    signature: drift.drifted ? 'prediction' : '',
    kind: drift.drifted ? 'prediction_drift' : recovery.prediction_drift,
    severity: drift.drifted ? 'warning' : 'info',
    summary,
    details: { columns: driftColumns([drift]), share: drift.drifted ? 1 : 0, datasetDrift: drift.drifted, window: windowOf(window, currentCount), against },
  };
}

export function performance(window: WindowData, settings: ProductionSettings, deployment: string): Finding | null {
  const config = settings.performance;
  if (!config || (config.min === undefined && config.max === undefined)) return null;
  const metric = config.metric ?? defaultMetric(settings.task);
  let value: number;
  // Rows with both a label and a usable prediction.
  const rows: number[] = [];
  if (metric === 'mae' || metric === 'rmse') {
    const predictions = window.predictionNumbers.values();
    const truth = window.labelNumbers.values();
    for (let i = 0; i < window.rows; i++) if (Number.isFinite(truth[i]!) && Number.isFinite(predictions[i]!)) rows.push(i);
    if (rows.length < settings.min_count) return null;
    const t = Float64Array.from(rows, (i) => truth[i]!);
    const p = Float64Array.from(rows, (i) => predictions[i]!);
    value = metric === 'mae' ? meanAbsoluteError(t, p) : rootMeanSquaredError(t, p);
  } else if (metric === 'precision_at_k') {
    for (let i = 0; i < window.rankedItems.length; i++) if (window.relevantItems[i] && window.rankedItems[i]) rows.push(i);
    if (rows.length < settings.min_count) return null;
    value = precisionAtK(rows.map((i) => window.rankedItems[i]!.map(labelKey)), rows.map((i) => window.relevantItems[i]!.map(labelKey)), settings.k);
  } else {
    for (let i = 0; i < window.rows; i++) if (window.labelKeys[i] !== null && window.predictionKeys[i] !== null) rows.push(i);
    if (rows.length < settings.min_count) return null;
    const truth: ClassLabel[] = rows.map((i) => window.labelKeys[i]!);
    const predicted: ClassLabel[] = rows.map((i) => window.predictionKeys[i]!);
    value = metric === 'accuracy' ? accuracy(truth, predicted) : precisionRecallF1(truth, predicted, labelKey(settings.positive))[metric];
  }
  const labelled = rows.length;
  const { bad, threshold, op } = judge(value, config.min, config.max, errorMetrics.has(metric));
  return {
    check: 'performance',
    bad,
    signature: '',
    kind: bad ? 'performance_degraded' : recovery.performance,
    severity: bad ? 'error' : 'info',
    summary: `${metric} ${fmt(value)} ${op} ${fmt(threshold)} on ${deployment} over ${labelled} labelled predictions`,
    details: { metric, value, threshold, labelled, window: windowOf(window, window.rows) },
  };
}

/**
 * `min`: below it is bad; `max`: above it is bad. The threshold reported is the one broken, or
 * the one that matters for the metric (`max` where higher is worse).
 */
function judge(value: number, min: number | undefined, max: number | undefined, higherIsWorse: boolean): { bad: boolean; threshold: number; op: string } {
  const reported = (higherIsWorse ? (max ?? min) : (min ?? max))!;
  if (Number.isNaN(value)) return { bad: false, threshold: reported, op: 'vs' };
  if (min !== undefined && value < min) return { bad: true, threshold: min, op: '<' };
  if (max !== undefined && value > max) return { bad: true, threshold: max, op: '>' };
  return { bad: false, threshold: reported, op: reported === max ? '<=' : '>=' };
}

const clean = (x: number) => (Number.isFinite(x) ? x : null);

export function fairness(window: WindowData, settings: ProductionSettings, deployment: string): Finding | null {
  const config = settings.fairness;
  const attribute = settings.sensitive_attribute;
  if (!config || !attribute) return null;
  const positive = labelKey(settings.positive);
  const privileged = new Set((Array.isArray(settings.privileged) ? settings.privileged : settings.privileged === undefined ? [] : [settings.privileged]).map(labelKey));
  const withLabels = config.metric === 'equalized_odds_difference';
  const groups: string[] = [];
  const yPred: Label[] = [];
  const yTrue: Label[] = [];
  for (let row = 0; row < window.rows; row++) {
    const group = window.groups[row];
    const prediction = window.predictionKeys[row];
    const truth = window.labelKeys[row];
    if (group === null || group === undefined || prediction === null || prediction === undefined || (withLabels && (truth === null || truth === undefined))) continue;
    groups.push(group);
    yPred.push(prediction === positive ? 1 : 0);
    if (withLabels) yTrue.push(truth === positive ? 1 : 0);
  }
  if (groups.length < settings.min_count || new Set(groups).size < 2) return null;
  let value: number;
  if (config.metric === 'demographic_parity_difference') value = demographicParity(yPred, groups).difference;
  else if (config.metric === 'equalized_odds_difference') value = equalizedOdds(yTrue, yPred, groups).difference;
  else {
    // Every privileged value counts as one group; the worst unprivileged group decides.
    const merged = groups.map((g) => (privileged.has(g) ? '\u0000privileged' : g));
    if (!merged.includes('\u0000privileged')) return null;
    const others = [...new Set(merged)].filter((g) => g !== '\u0000privileged');
    value = Math.min(...others.map((g) => disparateImpact(yPred, merged, g, '\u0000privileged')));
  }
  const isRatio = config.metric === 'disparate_impact';
  const limits = config.min === undefined && config.max === undefined ? (isRatio ? { min: 0.8 } : { max: 0.1 }) : config;
  const { bad, threshold, op } = judge(value, limits.min, limits.max, !isRatio);
  const rates = groupRates(withLabels ? yTrue : null, yPred, groups);
  const byGroup = Object.fromEntries(
    rates.map((r) => [r.group, { count: r.count, selectionRate: r.selectionRate, ...(withLabels ? { truePositiveRate: clean(r.truePositiveRate), falsePositiveRate: clean(r.falsePositiveRate) } : {}), ...(privileged.size ? { privileged: privileged.has(r.group) } : {}) }]),
  );
  return {
    check: 'fairness',
    bad,
    signature: '',
    kind: bad ? 'fairness_violation' : recovery.fairness,
    severity: bad ? 'error' : 'info',
    summary: `${config.metric} ${fmt(value)} ${op} ${fmt(threshold)} by ${attribute} on ${deployment} over ${groups.length} predictions`,
    details: { metric: config.metric, value: clean(value), threshold, attribute, positive: settings.positive, groups: byGroup, window: windowOf(window, groups.length) },
  };
}

export function latency(window: WindowData, settings: ProductionSettings, deployment: string): Finding | null {
  const limit = settings.latency_p99_ms;
  if (limit === undefined || window.requests < settings.min_count) return null;
  const sorted = radixSortFloat64(window.latencies);
  const p50 = quantileSorted(sorted, 0.5);
  const p99 = quantileSorted(sorted, 0.99);
  const bad = p99 > limit;
  return {
    check: 'latency',
    bad,
    signature: '',
    kind: bad ? 'latency_high' : recovery.latency,
    severity: bad ? 'warning' : 'info',
    summary: `p99 latency ${fmt(p99)} ms ${bad ? '>' : '<='} ${fmt(limit)} ms on ${deployment} (p50 ${fmt(p50)} ms, ${window.requests} requests)`,
    details: { p50, p99, threshold: limit, window: windowOf(window, window.requests) },
  };
}

export function errorRate(window: WindowData, settings: ProductionSettings, deployment: string): Finding | null {
  const limit = settings.error_rate;
  if (limit === undefined || window.requests < settings.min_count) return null;
  const value = window.errors / window.requests;
  const bad = value > limit;
  const pct = (x: number) => `${fmt(x * 100)}%`;
  return {
    check: 'error_rate',
    bad,
    signature: '',
    kind: bad ? 'error_rate_high' : recovery.error_rate,
    severity: bad ? 'error' : 'info',
    summary: `error rate ${pct(value)} ${bad ? '>' : '<='} ${pct(limit)} on ${deployment} (${window.errors} of ${window.requests} requests)`,
    details: { value, threshold: limit, errors: window.errors, requests: window.requests, window: windowOf(window, window.requests) },
  };
}
