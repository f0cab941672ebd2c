/**
 * One column's drift with a named or automatically chosen test (see choose.ts), scored and
 * judged against its threshold. Numeric columns with at most 20 distinct reference values are
 * binned by value for PSI and Jensen–Shannon, as Evidently's `get_binned_data` does; otherwise by
 * shared 'sturges' bins (Jensen–Shannon) or reference quantiles (PSI).
 */
import { chiSquareCounts, countCategories } from './chi-square.js';
import { chooseDriftTest, choice, isDrifted } from './choose.js';
import { jensenShannonCategorical, jensenShannonNumeric } from './jensen-shannon.js';
import { ks2samp } from './ks.js';
import { psiCategorical, psiNumeric } from './psi.js';
import { sortedCopy } from './sorted.js';
import type { ColumnDrift, ColumnKind, DriftTestName, Numbers } from './types.js';
import { wassersteinNormedSorted } from './wasserstein.js';
import { zTestProportions } from './z-test.js';

export interface DriftOptions {
  test?: DriftTestName | 'auto';
  threshold?: number;
}

function distinctSorted(xs: Float64Array): number {
  let k = 0;
  for (let i = 0; i < xs.length; i++) if (i === 0 || xs[i] !== xs[i - 1]) k++;
  return k;
}

/** z-test on categorical counts: the first category in sorted order counts as 0, the rest as 1 (Evidently). */
function zOnCounts(ref: Map<string, number>, cur: Map<string, number>): TestOutcome {
  const keys = [...new Set([...ref.keys(), ...cur.keys()])].sort();
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, v) => s + v, 0);
  const first = keys[0]!;
  const nr = total(ref);
  const nc = total(cur);
  return zTestProportions(nr - (ref.get(first) ?? 0), nr, nc - (cur.get(first) ?? 0), nc);
}

/** A statistical test's statistic and p-value, or a distance (its own statistic, no p-value). */
export type TestOutcome = { statistic: number; pvalue: number | null };
export const distance = (statistic: number): TestOutcome => ({ statistic, pvalue: null });

function categoricalScore(test: DriftTestName, ref: Map<string, number>, cur: Map<string, number>): TestOutcome {
  switch (test) {
    case 'chisquare': return chiSquareCounts(ref, cur);
    case 'z': return zOnCounts(ref, cur);
    case 'jensenshannon': return distance(jensenShannonCategorical(ref, cur));
    case 'psi': return distance(psiCategorical(ref, cur));
    default: throw new RangeError(`test ${test} does not apply to categorical columns`);
  }
}

const asLabels = (xs: Float64Array) => countCategories(Array.from(xs, String));

export function numericDrift(column: string, reference: Numbers, current: Numbers, options: DriftOptions = {}): ColumnDrift {
  const ref = sortedCopy(reference, `${column} reference`);
  const cur = sortedCopy(current, `${column} current`);
  const unique = distinctInUnion(ref, cur);
  const chosen = !options.test || options.test === 'auto' ? chooseDriftTest('numeric', ref.length, unique) : choice(options.test);
  const threshold = options.threshold ?? chosen.threshold;
  const byValue = distinctSorted(ref) <= 20;
  let outcome: TestOutcome;
  switch (chosen.test) {
    case 'ks': outcome = ks2samp(ref, cur, { presorted: true }); break;
    case 'wasserstein': outcome = distance(wassersteinNormedSorted(ref, cur)); break;
    case 'jensenshannon': outcome = distance(byValue ? jensenShannonCategorical(asLabels(ref), asLabels(cur)) : jensenShannonNumeric(ref, cur)); break;
    case 'psi': outcome = distance(byValue ? psiCategorical(asLabels(ref), asLabels(cur)) : psiNumeric(ref, cur)); break;
    default: outcome = categoricalScore(chosen.test, asLabels(ref), asLabels(cur));
  }
  return judged(column, chosen.test, outcome, threshold);
}

/** A column's outcome judged against its threshold: the p-value when there is one, else the distance. */
export function judged(column: string, test: DriftTestName, outcome: TestOutcome, threshold: number): ColumnDrift {
  const score = outcome.pvalue ?? outcome.statistic;
  return { column, test, score, statistic: outcome.statistic, pvalue: outcome.pvalue, threshold, drifted: isDrifted(test, score, threshold) };
}

/** Distinct values across two sorted arrays, by merging them (no Set of a million numbers). */
function distinctInUnion(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let count = 0;
  let last = NaN;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (count === 0 || next !== last) {
      count++;
      last = next;
    }
  }
  return count;
}

export function categoricalDrift(column: string, kind: Exclude<ColumnKind, 'numeric'>, reference: Map<string, number>, current: Map<string, number>, options: DriftOptions = {}): ColumnDrift {
  const rows = [...reference.values()].reduce((s, v) => s + v, 0);
  const unique = new Set([...reference.keys(), ...current.keys()]).size;
  const chosen = !options.test || options.test === 'auto' ? chooseDriftTest(kind, rows, unique) : choice(options.test);
  const threshold = options.threshold ?? chosen.threshold;
  return judged(column, chosen.test, categoricalScore(chosen.test, reference, current), threshold);
}
