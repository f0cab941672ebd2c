/**
 * 1-D Wasserstein (earth mover's) distance between two samples, as
 * scipy.stats.wasserstein_distance (unweighted): ∫ |F_u − F_v|, by one merge of the sorted samples.
 */
import { sortedCopy } from './sorted.js';
import type { Numbers } from './types.js';

export function wassersteinSorted(u: Float64Array, v: Float64Array): number {
  const n = u.length;
  const m = v.length;
  if (n === 0 || m === 0) throw new RangeError('Wasserstein distance needs two non-empty samples');
  let i = 0;
  let j = 0;
  let total = 0;
  let prev = Math.min(u[0]!, v[0]!);
  while (i < n || j < m) {
    const x = j >= m || (i < n && u[i]! <= v[j]!) ? u[i]! : v[j]!;
    // over [prev, x) the ECDFs are i/n and j/m
    total += Math.abs(i / n - j / m) * (x - prev);
    while (i < n && u[i] === x) i++;
    while (j < m && v[j] === x) j++;
    prev = x;
  }
  return total;
}

export function wassersteinDistance(u: Numbers, v: Numbers): number {
  return wassersteinSorted(sortedCopy(u, 'u'), sortedCopy(v, 'v'));
}

/** Population std (ddof = 0, as np.std), used for the normalisation below. */
function populationStd(xs: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < xs.length; i++) mean += xs[i]!;
  mean /= xs.length;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i]! - mean) ** 2;
  return Math.sqrt(ss / xs.length);
}

/**
 * Evidently's `wasserstein_distance_norm`: the distance divided by max(std(reference), 0.001),
 * std with ddof = 0 (np.std).
 */
export function wassersteinNormed(reference: Numbers, current: Numbers): number {
  const ref = sortedCopy(reference, 'reference');
  const cur = sortedCopy(current, 'current');
  return wassersteinNormedSorted(ref, cur);
}

/** wassersteinNormed on samples already sorted ascending (the drift scorer sorts once for every test). */
export function wassersteinNormedSorted(ref: Float64Array, cur: Float64Array): number {
  return wassersteinSorted(ref, cur) / Math.max(populationStd(ref), 0.001);
}
