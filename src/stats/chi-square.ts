/**
 * Chi-square test of homogeneity of a categorical column, reference vs current: the 2 × k
 * contingency table through scipy.stats.chi2_contingency's defaults (Pearson statistic; Yates'
 * continuity correction exactly when dof = 1, as scipy's correction=True). Categories seen in
 * neither sample cannot occur here; scipy would refuse a table with a zero expected count.
 */
import { chiSquareSf } from './distributions.js';
import type { ChiSquareResult } from './types.js';

/** Counts per category of two samples of labels (missing values are the caller's to drop). */
export function countCategories(values: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

export function chiSquareCounts(reference: Map<string, number>, current: Map<string, number>, correction = true): ChiSquareResult {
  const categories = [...new Set([...reference.keys(), ...current.keys()])]
    .filter((c) => (reference.get(c) ?? 0) + (current.get(c) ?? 0) > 0)
    .sort();
  const rows = [categories.map((c) => reference.get(c) ?? 0), categories.map((c) => current.get(c) ?? 0)];
  const rowSums = rows.map((r) => r.reduce((s, v) => s + v, 0));
  const total = rowSums[0]! + rowSums[1]!;
  if (rowSums[0] === 0 || rowSums[1] === 0) throw new RangeError('chi-square needs two non-empty samples');
  const colSums = categories.map((_, j) => rows[0]![j]! + rows[1]![j]!);
  // scipy: expected = reduce(np.multiply, margsums) / observed.sum() ** (d - 1)
  const expected = rows.map((_, i) => colSums.map((c) => (rowSums[i]! * c) / total));
  const dof = categories.length - 1;
  if (dof === 0) return { statistic: 0, pvalue: 1, dof, expected, categories };
  let statistic = 0;
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < categories.length; j++) {
      const e = expected[i]![j]!;
      let o = rows[i]![j]!;
      if (dof === 1 && correction) {
        const diff = e - o;
        o += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      statistic += ((o - e) * (o - e)) / e;
    }
  }
  return { statistic, pvalue: chiSquareSf(statistic, dof), dof, expected, categories };
}

export function chiSquareTest(reference: Iterable<string>, current: Iterable<string>, correction = true): ChiSquareResult {
  return chiSquareCounts(countCategories(reference), countCategories(current), correction);
}

/**
 * Evidently's own `chisquare` drift test, for comparison with its reports: scipy.stats.chisquare
 * goodness of fit of the current counts against the reference counts scaled to the current
 * total (dof = categories − 1, no continuity correction).
 */
export function chiSquareGoodnessOfFit(reference: Map<string, number>, current: Map<string, number>): ChiSquareResult {
  const categories = [...new Set([...reference.keys(), ...current.keys()])].sort();
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
  const scale = total(current) / total(reference);
  const expected = categories.map((c) => (reference.get(c) ?? 0) * scale);
  let statistic = 0;
  categories.forEach((c, j) => {
    const o = current.get(c) ?? 0;
    statistic += ((o - expected[j]!) * (o - expected[j]!)) / expected[j]!;
  });
  const dof = categories.length - 1;
  return { statistic, pvalue: chiSquareSf(statistic, dof), dof, expected: [expected], categories };
}
