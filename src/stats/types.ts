/** Types of the pure statistics module (no I/O anywhere under src/stats). */

/** Numbers in any array-like form: plain arrays or typed arrays (Float64Array is fastest). */
export type Numbers = ArrayLike<number>;

export type Alternative = 'two-sided' | 'less' | 'greater';

/** `auto` follows scipy: exact when max(n, m) <= 10000, else asymptotic. */
export type KsMethod = 'auto' | 'exact' | 'asymp';

export interface KsResult {
  statistic: number;
  pvalue: number;
  /** The method actually used (exact falls back to asymp when the exact count fails, as scipy). */
  method: 'exact' | 'asymp';
  /** Where the statistic was attained, and +1 when the reference ECDF is above the current one there. */
  statisticLocation: number;
  statisticSign: 1 | -1;
}

export interface TestResult {
  statistic: number;
  pvalue: number;
}

export interface ChiSquareResult extends TestResult {
  dof: number;
  /** Expected counts, 2 rows (reference, current) × categories kept. */
  expected: number[][];
  /** The categories kept (those seen in either sample). */
  categories: string[];
}

/** Column kinds for the automatic test choice. */
export type ColumnKind = 'numeric' | 'categorical' | 'binary';

export type DriftTestName = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';

export interface DriftTestChoice {
  test: DriftTestName;
  /** p-value tests drift when p < threshold; distances drift when score >= threshold (Evidently). */
  threshold: number;
  kind: 'pvalue' | 'distance';
}

export interface ColumnDrift {
  column: string;
  test: DriftTestName;
  /** What the threshold judges: the p-value of a test, or the distance itself. */
  score: number;
  /** The test's statistic, as scipy names it: KS D, chi-square, z; for a distance, the distance. */
  statistic: number;
  /** The p-value of a statistical test (ks, chisquare, z); null for a distance (psi, wasserstein, jensenshannon). */
  pvalue: number | null;
  threshold: number;
  drifted: boolean;
}

export interface DatasetDrift {
  columns: ColumnDrift[];
  driftedCount: number;
  share: number;
  drifted: boolean;
}

export interface Histogram {
  /** bins + 1 increasing edges; the last bin is closed on the right (as numpy.histogram). */
  edges: number[];
  counts: number[];
}

export interface NumericProfile {
  kind: 'numeric';
  count: number;
  missing: number;
  distinct: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (ddof = 1); NaN below two values. */
  std: number;
  quantiles: Record<string, number>;
  histogram: Histogram;
}

export interface CategoricalProfile {
  kind: 'categorical';
  count: number;
  missing: number;
  distinct: number;
  top: { value: string; count: number }[];
}
