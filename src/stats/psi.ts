/**
 * Population stability index: Σ (r_i − c_i) · ln(r_i / c_i) over bins, r and c the reference and
 * current shares of each bin.
 *
 * Binning, numeric columns:
 * - `quantile` (default): `bins` (10) bins cut at the reference's quantiles q = i/bins (numpy
 *   'linear'); repeated cut points are merged, and the outer bins are open (−∞, +∞) so current
 *   values outside the reference range still count.
 * - `sturges`: Evidently's own binning: equal-width numpy 'sturges' edges over reference ∪ current.
 * Categorical columns: one bin per category seen in either sample.
 *
 * Empty bins: Evidently's rule, per sample: a zero share becomes 0.0001, or (smallest non-zero
 * share) / 1e6 when that share is itself <= 0.0001, so the logarithm stays finite.
 */
import { equalWidthEdges, histogram, sturgesBins, extent } from './histogram.js';
import { quantileSorted } from './quantile.js';
import { sortedCopy } from './sorted.js';
import type { Numbers } from './types.js';

export const PSI_EPSILON = 0.0001;

export interface PsiOptions {
  binning?: 'quantile' | 'sturges';
  bins?: number;
}

/** Evidently's `feel_zeroes`. */
export function fillZeroShares(shares: number[]): number[] {
  const nonZero = shares.filter((s) => s !== 0);
  if (nonZero.length === 0) return shares;
  const smallest = Math.min(...nonZero);
  const fill = smallest <= PSI_EPSILON ? smallest / 1e6 : PSI_EPSILON;
  return shares.map((s) => (s === 0 ? fill : s));
}

export function psiFromShares(reference: number[], current: number[]): number {
  const r = fillZeroShares(reference);
  const c = fillZeroShares(current);
  let psi = 0;
  for (let i = 0; i < r.length; i++) psi += (r[i]! - c[i]!) * Math.log(r[i]! / c[i]!);
  return psi;
}

/** The cut points of the quantile binning (interior edges only). */
export function quantileCuts(sortedReference: Float64Array, bins: number): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < bins; i++) {
    const q = quantileSorted(sortedReference, i / bins);
    if (cuts.length === 0 || q > cuts[cuts.length - 1]!) cuts.push(q);
  }
  return cuts;
}

/** Bin shares with edges (−∞, c1), [c1, c2), …, [ck, +∞). */
function sharesByCuts(sorted: Float64Array, cuts: number[]): number[] {
  const counts = new Array<number>(cuts.length + 1).fill(0);
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (k < cuts.length && sorted[i]! >= cuts[k]!) k++;
    counts[k]!++;
  }
  return counts.map((c) => c / sorted.length);
}

export function psiNumeric(reference: Numbers, current: Numbers, options: PsiOptions = {}): number {
  const ref = sortedCopy(reference, 'reference');
  const cur = sortedCopy(current, 'current');
  if (ref.length === 0 || cur.length === 0) throw new RangeError('PSI needs two non-empty samples');
  if ((options.binning ?? 'quantile') === 'sturges') {
    const [min, max] = extent(ref, cur);
    const edges = equalWidthEdges(min, max, sturgesBins(ref.length + cur.length, min, max));
    const share = (xs: Float64Array) => histogram(xs, edges).counts.map((c) => c / xs.length);
    return psiFromShares(share(ref), share(cur));
  }
  const cuts = quantileCuts(ref, options.bins ?? 10);
  return psiFromShares(sharesByCuts(ref, cuts), sharesByCuts(cur, cuts));
}

export function psiCategorical(reference: Map<string, number>, current: Map<string, number>): number {
  const keys = [...new Set([...reference.keys(), ...current.keys()])].sort();
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
  const nr = total(reference);
  const nc = total(current);
  return psiFromShares(keys.map((k) => (reference.get(k) ?? 0) / nr), keys.map((k) => (current.get(k) ?? 0) / nc));
}
