/**
 * Jensen–Shannon distance, as scipy.spatial.distance.jensenshannon: both inputs are normalised
 * to sum 1, distance = sqrt((KL(p‖m) + KL(q‖m)) / 2 / ln(base)), m = (p + q) / 2. Base e by
 * default; base 2 bounds it by 1.
 */
import { binIndex, sharedEdges } from './histogram.js';
import type { Numbers } from './types.js';

function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

export function jensenShannon(p: number[], q: number[], base?: number): number {
  if (p.length !== q.length) throw new RangeError('distributions must have the same length');
  const sp = p.reduce((s, v) => s + v, 0);
  const sq = q.reduce((s, v) => s + v, 0);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    sum += relEntr(a, m) + relEntr(b, m);
  }
  let js = sum / 2;
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(js);
}

/** Counts of two numeric samples on shared equal-width edges (numpy 'sturges' over both by default). */
export function binnedCounts(reference: Numbers, current: Numbers, bins: number | 'sturges' = 'sturges'): [number[], number[]] {
  const edges = sharedEdges(reference, current, bins);
  const count = (xs: Numbers) => {
    const c = new Array<number>(edges.length - 1).fill(0);
    for (let i = 0; i < xs.length; i++) {
      const k = binIndex(edges, xs[i]!);
      if (k >= 0) c[k]!++;
    }
    return c;
  };
  return [count(reference), count(current)];
}

/** Evidently's numeric Jensen–Shannon: shared 'sturges' bins, then the distance of the bin shares. */
export function jensenShannonNumeric(reference: Numbers, current: Numbers, base?: number): number {
  const [r, c] = binnedCounts(reference, current);
  return jensenShannon(r, c, base);
}

export function jensenShannonCategorical(reference: Map<string, number>, current: Map<string, number>, base?: number): number {
  const keys = [...new Set([...reference.keys(), ...current.keys()])].sort();
  return jensenShannon(keys.map((k) => reference.get(k) ?? 0), keys.map((k) => current.get(k) ?? 0), base);
}
