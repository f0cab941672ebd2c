/**
 * Histograms with numpy.histogram semantics: bins [e_i, e_{i+1}), the last one closed; values
 * outside the edges are not counted. Equal-width edges as numpy.linspace / histogram_bin_edges.
 */
import type { Histogram, Numbers } from './types.js';

/** `bins` equal-width edges over [min, max] (numpy widens an empty range by ±0.5). */
export function equalWidthEdges(min: number, max: number, bins: number): number[] {
  if (!(bins >= 1) || !Number.isInteger(bins)) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  if (min === max) [min, max] = [min - 0.5, max + 0.5];
  const step = (max - min) / bins;
  const edges: number[] = [];
  for (let i = 0; i < bins; i++) edges.push(i * step + min);
  edges.push(max);
  return edges;
}

/** numpy's 'sturges' bin count for n values spanning [min, max], computed as numpy does (via the width). */
export function sturgesBins(n: number, min: number, max: number): number {
  const ptp = max - min;
  if (ptp === 0) return 1;
  const width = ptp / (Math.log2(n) + 1);
  return Math.ceil(ptp / width);
}

/** Index of the bin of x, or -1 outside. */
export function binIndex(edges: ArrayLike<number>, x: number): number {
  const last = edges.length - 1;
  if (!(x >= edges[0]! && x <= edges[last]!)) return -1;
  if (x === edges[last]) return last - 1;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x >= edges[mid]!) lo = mid;
    else hi = mid;
  }
  return lo;
}

export function histogram(values: Numbers, edges: number[]): Histogram {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const k = binIndex(edges, values[i]!);
    if (k >= 0) counts[k]!++;
  }
  return { edges, counts };
}

/** Min and max ignoring NaN. */
export function extent(...samples: Numbers[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const s of samples) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return [min, max];
}

/** Shared edges for overlaying reference and current: equal width over both samples' range. */
export function sharedEdges(reference: Numbers, current: Numbers, bins = 'sturges' as number | 'sturges'): number[] {
  const [min, max] = extent(reference, current);
  const k = bins === 'sturges' ? sturgesBins(reference.length + current.length, min, max) : bins;
  return equalWidthEdges(min, max, k);
}
