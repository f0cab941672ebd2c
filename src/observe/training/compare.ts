import type { Run } from '../../tracking/types.js';

/** How a metric is judged: which way is better, and how much worse is tolerated. */
export interface MetricRule {
  direction: 'lower' | 'higher';
  /** Tolerated worsening relative to the baseline's value (0.05 = 5%). */
  max_regression?: number;
  /** Tolerated worsening in the metric's own units. */
  max_regression_abs?: number;
}

export interface MetricComparison {
  metric: string;
  direction: 'lower' | 'higher';
  before: number;
  after: number;
  /** after - before. */
  change: number;
  /** change / |before|; null when before is 0. */
  relative_change: number | null;
  /** How much worse (positive) or better (negative), in the metric's units. */
  worsening: number;
  verdict: 'regression' | 'within_tolerance' | 'improved' | 'unchanged';
  max_regression: number | null;
  max_regression_abs: number | null;
}

/**
 * Judges one metric. Worse beyond either tolerance is a regression; with no tolerance given, any
 * worsening is. Better by any amount is an improvement.
 */
export function compareMetric(metric: string, rule: MetricRule, before: number, after: number): MetricComparison {
  const change = after - before;
  const worsening = rule.direction === 'lower' ? change : -change;
  const relative = before === 0 ? null : change / Math.abs(before);
  const relativeWorsening = before === 0 ? (worsening > 0 ? Infinity : 0) : worsening / Math.abs(before);
  const tolerances = rule.max_regression !== undefined || rule.max_regression_abs !== undefined;
  let verdict: MetricComparison['verdict'];
  if (worsening === 0) verdict = 'unchanged';
  else if (worsening < 0) verdict = 'improved';
  else if (!tolerances) verdict = 'regression';
  else verdict = (rule.max_regression !== undefined && relativeWorsening > rule.max_regression) || (rule.max_regression_abs !== undefined && worsening > rule.max_regression_abs) ? 'regression' : 'within_tolerance';
  return { metric, direction: rule.direction, before, after, change, relative_change: relative, worsening, verdict, max_regression: rule.max_regression ?? null, max_regression_abs: rule.max_regression_abs ?? null };
}

export interface MapDiff<V = string> {
  added: Record<string, V>;
  removed: Record<string, V>;
  changed: Record<string, { from: V; to: V }>;
}

export function diffMaps<V>(before: Record<string, V>, after: Record<string, V>): MapDiff<V> {
  const diff: MapDiff<V> = { added: {}, removed: {}, changed: {} };
  for (const key of Object.keys(after).sort()) {
    if (!(key in before)) diff.added[key] = after[key]!;
    else if (before[key] !== after[key]) diff.changed[key] = { from: before[key]!, to: after[key]! };
  }
  for (const key of Object.keys(before).sort()) if (!(key in after)) diff.removed[key] = before[key]!;
  return diff;
}

export function isEmptyDiff(diff: MapDiff<unknown>): boolean {
  return Object.keys(diff.added).length + Object.keys(diff.removed).length + Object.keys(diff.changed).length === 0;
}

/** Data the run read, by the name it was given → DataVersion digest. */
export function inputDigests(run: Run): Record<string, string> {
  return Object.fromEntries(run.io.filter((io) => io.direction === 'input' && io.kind === 'data').map((io) => [io.name, io.ref]));
}

/** Lockfile path → digest, from the run's recorded environment. */
export function lockfileDigests(run: Run): Record<string, string> {
  return Object.fromEntries((run.environment?.lockfiles ?? []).map((l) => [l.path, l.digest]));
}

export function describeDiff(diff: MapDiff<unknown>): string {
  const parts = [
    ...Object.keys(diff.changed).map((k) => `~${k}`),
    ...Object.keys(diff.added).map((k) => `+${k}`),
    ...Object.keys(diff.removed).map((k) => `-${k}`),
  ];
  return parts.length > 6 ? `${parts.slice(0, 6).join(', ')} and ${parts.length - 6} more` : parts.join(', ');
}
