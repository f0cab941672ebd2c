/**
 * Z-test for two proportions with the pooled variance (Evidently's `proportions_diff_z_stat_ind`):
 * z = (p1 − p2) / sqrt(P(1 − P)(1/n1 + 1/n2)), P the pooled proportion.
 */
import { normCdf } from './distributions.js';
import type { Alternative, TestResult } from './types.js';

export function zTestProportions(successes1: number, n1: number, successes2: number, n2: number, alternative: Alternative = 'two-sided'): TestResult {
  if (n1 <= 0 || n2 <= 0) throw new RangeError('z-test needs two non-empty samples');
  const p1 = successes1 / n1;
  const p2 = successes2 / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  // Both samples all one value: no evidence of a difference (Evidently returns p = 1 there).
  if (se === 0) return { statistic: 0, pvalue: 1 };
  const z = (p1 - p2) / se;
  const pvalue = alternative === 'two-sided' ? 2 * normCdf(-Math.abs(z)) : alternative === 'less' ? normCdf(z) : normCdf(-z);
  return { statistic: z, pvalue };
}

/** Same test on two samples of a binary column; `positive` is the value counted as a success. */
export function zTestBinary<T>(reference: Iterable<T>, current: Iterable<T>, positive: T, alternative: Alternative = 'two-sided'): TestResult {
  const count = (xs: Iterable<T>): [number, number] => {
    let k = 0;
    let n = 0;
    for (const x of xs) {
      n++;
      if (x === positive) k++;
    }
    return [k, n];
  };
  const [k1, n1] = count(reference);
  const [k2, n2] = count(current);
  return zTestProportions(k1, n1, k2, n2, alternative);
}
