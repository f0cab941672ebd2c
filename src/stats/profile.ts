/**
 * Column profiles. Numeric: count (non-missing), missing (null, undefined, NaN), distinct,
 * min/max, mean and sample std (ddof = 1) by Welford's update, numpy-'linear' quantiles, and a
 * histogram (pass `edges` to bin a current sample on a reference's edges for an overlay).
 * Categorical: count, missing, distinct, top-k by count (ties by value).
 */
import { equalWidthEdges, histogram } from './histogram.js';
import { quantileSorted } from './quantile.js';
import type { CategoricalProfile, NumericProfile } from './types.js';

export const DEFAULT_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

/** Welford's running mean and variance; mergeable and one pass. */
export class RunningMoments {
  count = 0;
  mean = 0;
  private m2 = 0;
  push(x: number): void {
    this.count++;
    const d = x - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (x - this.mean);
  }
  /** Sample standard deviation (ddof = 1). */
  get std(): number {
    return this.count < 2 ? NaN : Math.sqrt(this.m2 / (this.count - 1));
  }
}

export interface NumericProfileOptions {
  quantiles?: number[];
  bins?: number;
  edges?: number[];
}

export function profileNumeric(values: ArrayLike<number | null | undefined>, options: NumericProfileOptions = {}): NumericProfile {
  const present: number[] = [];
  let missing = 0;
  const moments = new RunningMoments();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || Number.isNaN(v)) missing++;
    else {
      present.push(v);
      moments.push(v);
    }
  }
  const sorted = Float64Array.from(present).sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const quantiles: Record<string, number> = {};
  for (const q of options.quantiles ?? DEFAULT_QUANTILES) quantiles[String(q)] = quantileSorted(sorted, q);
  const min = sorted.length ? sorted[0]! : NaN;
  const max = sorted.length ? sorted[sorted.length - 1]! : NaN;
  const edges = options.edges ?? (sorted.length ? equalWidthEdges(min, max, options.bins ?? 10) : []);
  return {
    kind: 'numeric',
    count: sorted.length,
    missing,
    distinct,
    min,
    max,
    mean: sorted.length ? moments.mean : NaN,
    std: moments.std,
    quantiles,
    histogram: edges.length ? histogram(sorted, edges) : { edges: [], counts: [] },
  };
}

export function profileCategorical(values: ArrayLike<string | null | undefined>, topK = 10): CategoricalProfile {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) missing++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const top = [...counts.entries()]
    .sort(([va, a], [vb, b]) => b - a || (va < vb ? -1 : va > vb ? 1 : 0))
    .slice(0, topK)
    .map(([value, count]) => ({ value, count }));
  return { kind: 'categorical', count: values.length - missing, missing, distinct: counts.size, top };
}
