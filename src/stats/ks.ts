/**
 * Two-sample Kolmogorov–Smirnov test, as scipy.stats.ks_2samp (scipy 1.10+): same statistic,
 * same `auto` rule (exact when max(n1, n2) <= 10000, else asymptotic), same exact lattice-path
 * p-values, same asymptotic p-values (two-sided: kstwo.sf(D, round(n1·n2/(n1+n2))); one-sided:
 * Hodges' eqn 5.3), same fallback from exact to asymptotic when the count overflows.
 */
import { exactKsPvalue } from './ks-exact.js';
import { kolmogornSf } from './kolmogorov.js';
import { gcd, sortedCopy } from './sorted.js';
import type { Alternative, KsMethod, KsResult, Numbers } from './types.js';

const MAX_AUTO_N = 10000;
const INT32_MAX = 2147483647;

export interface KsOptions {
  alternative?: Alternative;
  method?: KsMethod;
  /** Set when both inputs are already sorted ascending Float64Arrays without NaN (saves the copies). */
  presorted?: boolean;
}

/** D+ (max of F1 − F2), D− (max of F2 − F1) and where each is first attained in scipy's order. */
function ecdfExtremes(a: Float64Array, b: Float64Array) {
  const n1 = a.length;
  const n2 = b.length;
  // scipy takes argmax over [sorted a, sorted b]: a value of `a` wins ties against one only in `b`,
  // so extremes are tracked separately for values present in a and values present in b.
  const inA = { max: -Infinity, locMax: NaN, min: Infinity, locMin: NaN };
  const inB = { max: -Infinity, locMax: NaN, min: Infinity, locMin: NaN };
  const see = (e: typeof inA, diff: number, v: number) => {
    if (diff > e.max) {
      e.max = diff;
      e.locMax = v;
    }
    if (diff < e.min) {
      e.min = diff;
      e.locMin = v;
    }
  };
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    const i0 = i;
    const j0 = j;
    while (i < n1 && a[i] === v) i++;
    while (j < n2 && b[j] === v) j++;
    const diff = i / n1 - j / n2;
    if (i > i0) see(inA, diff, v);
    if (j > j0) see(inB, diff, v);
  }
  const max = Math.max(inA.max, inB.max);
  const min = Math.min(inA.min, inB.min);
  return { max, locMax: inA.max === max ? inA.locMax : inB.locMax, min, locMin: inA.min === min ? inA.locMin : inB.locMin };
}

/** Asymptotic p-value exactly as scipy's method='asymp'. */
export function ksAsymptoticPvalue(n1: number, n2: number, d: number, alternative: Alternative): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  let p: number;
  if (alternative === 'two-sided') p = kolmogornSf(roundHalfEven(en), d);
  else {
    const z = Math.sqrt(en) * d;
    p = Math.exp(-2 * z ** 2 - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3);
  }
  return Math.min(1, Math.max(0, p));
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function ks2samp(reference: Numbers, current: Numbers, options: KsOptions = {}): KsResult {
  const alternative = options.alternative ?? 'two-sided';
  const a = options.presorted && reference instanceof Float64Array ? reference : sortedCopy(reference, 'reference');
  const b = options.presorted && current instanceof Float64Array ? current : sortedCopy(current, 'current');
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ks2samp needs two non-empty samples');
  const ext = ecdfExtremes(a, b);
  const minS = Math.min(1, Math.max(0, -ext.min));
  const maxS = ext.max;
  let d: number, location: number, sign: 1 | -1;
  if (alternative === 'less' || (alternative === 'two-sided' && minS > maxS)) {
    [d, location, sign] = [minS, ext.locMin, -1];
  } else {
    [d, location, sign] = [maxS, ext.locMax, 1];
  }
  let method: 'exact' | 'asymp';
  const requested = options.method ?? 'auto';
  if (requested === 'auto') method = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  else method = requested;
  const g = gcd(n1, n2);
  if (requested === 'exact' && n1 / g >= INT32_MAX / (n2 / g)) method = 'asymp';
  if (method === 'exact') {
    const exact = exactKsPvalue(n1, n2, d, alternative);
    if (exact.ok) return { statistic: exact.d, pvalue: exact.p, method, statisticLocation: location, statisticSign: sign };
    d = exact.d;
    method = 'asymp';
  }
  return { statistic: d, pvalue: ksAsymptoticPvalue(n1, n2, d, alternative), method, statisticLocation: location, statisticSign: sign };
}

