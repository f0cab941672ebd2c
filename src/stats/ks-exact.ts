/**
 * Exact null distribution of the two-sample KS statistic by lattice-path counting, ported from
 * scipy.stats (`_compute_prob_outside_square`, `_compute_outer_prob_inside_method` (Viehmann's
 * 1 − p recursion), `_count_paths_outside_method`, `_attempt_exact_2kssamp`).
 */
import { gcd } from './sorted.js';
import type { Alternative } from './types.js';

/** Pr(D_{n,n} >= h/n), Horner-like alternating sum (scipy `_compute_prob_outside_square`). */
export function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/** Proportion of paths that leave the band |x/m − y/n| < h/lcm (scipy's pythran kernel). */
export function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 < n0 ? [n0, m0] : [m0, n0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const a = new Float64Array(lenA).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (a[jj + minj - lastminj]! * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1]!;
}

/** binom(n, k) as a float, by the multiplicative formula (exact while the result fits 2^53). */
function binom(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

function logBinom(n: number, k: number): number {
  k = Math.min(k, n - k);
  let r = 0;
  for (let i = 1; i <= k; i++) r += Math.log((n - k + i) / i);
  return r;
}

/** Number of paths that go below the diagonal shifted by h (one-sided; scipy `_count_paths_outside_method`). */
export function countPathsOutside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 < n0 ? [n0, m0] : [m0, n0];
  const mg = m / g;
  const ng = n / g;
  const lxj = n + Math.floor((mg - h) / mg);
  if (lxj === 0) return binom(m + n, n);
  const xj: number[] = [];
  for (let j = 0; j < lxj; j++) xj.push(Math.floor((h + mg * j + ng - 1) / ng));
  const b = new Float64Array(lxj);
  b[0] = 1;
  for (let j = 1; j < lxj; j++) {
    let bj = binom(xj[j]! + j, j);
    for (let i = 0; i < j; i++) bj -= binom(xj[j]! - xj[i]! + j - i, j - i) * b[i]!;
    b[j] = bj;
  }
  let paths = 0;
  for (let j = 0; j < lxj; j++) paths += b[j]! * binom(m - xj[j]! + (n - j), n - j);
  return paths;
}

/** The exact p-value; ok=false when it cannot be computed in floating point (scipy then uses asymp with the rounded d). */
export function exactKsPvalue(n1: number, n2: number, d: number, alternative: Alternative): { d: number; p: number; ok: boolean } {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const dd = h / lcm;
  if (h === 0) return { d: dd, p: 1, ok: true };
  let p: number;
  if (alternative === 'two-sided') {
    p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  } else if (n1 === n2) {
    p = 1;
    for (let j = 0; j < h; j++) p *= (n1 - j) / (n1 + j + 1);
  } else {
    // scipy gives up (and goes asymptotic) when binom(n1 + n2, n1) overflows; checking that
    // first, in logs, spares the quadratic path count that would be thrown away.
    if (logBinom(n1 + n2, n1) > Math.log(Number.MAX_VALUE)) return { d: dd, p: NaN, ok: false };
    const paths = countPathsOutside(n1, n2, g, h);
    const all = binom(n1 + n2, n1);
    if (!Number.isFinite(all) || !Number.isFinite(paths) || paths > all) return { d: dd, p: NaN, ok: false };
    p = paths / all;
  }
  if (!(p >= 0 && p <= 1)) return { d: dd, p, ok: false };
  return { d: dd, p, ok: true };
}
