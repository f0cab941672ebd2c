/**
 * Evidently's automatic drift test (legacy `_get_default_stattest`) and dataset-drift rule.
 * `nUnique` counts the distinct non-missing values of reference ∪ current, as Evidently does.
 *
 * | reference rows | numeric, nUnique > 5 | numeric, nUnique <= 5 | categorical / binary |
 * | <= 1000        | ks                   | chisquare (> 2) or z  | chisquare (> 2 values) or z |
 * | > 1000         | wasserstein (normed) | jensenshannon         | jensenshannon |
 *
 * Thresholds: p-value tests drift when p < 0.05; distances drift when the score >= 0.1.
 */
import type { ColumnDrift, ColumnKind, DatasetDrift, DriftTestChoice, DriftTestName } from './types.js';

export const DEFAULT_THRESHOLDS: Record<DriftTestName, number> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
};

export const DEFAULT_DRIFT_SHARE = 0.5;

const PVALUE_TESTS = new Set<DriftTestName>(['ks', 'chisquare', 'z']);

export function testKind(test: DriftTestName): 'pvalue' | 'distance' {
  return PVALUE_TESTS.has(test) ? 'pvalue' : 'distance';
}

export function choice(test: DriftTestName, threshold = DEFAULT_THRESHOLDS[test]): DriftTestChoice {
  return { test, threshold, kind: testKind(test) };
}

export function chooseDriftTest(kind: ColumnKind, referenceRows: number, nUnique: number): DriftTestChoice {
  const small = referenceRows <= 1000;
  if (kind === 'numeric') {
    if (nUnique > 5) return choice(small ? 'ks' : 'wasserstein');
    if (!small) return choice('jensenshannon');
    return choice(nUnique > 2 ? 'chisquare' : 'z');
  }
  if (!small) return choice('jensenshannon');
  return choice(nUnique > 2 ? 'chisquare' : 'z');
}

export function isDrifted(test: DriftTestName, score: number, threshold = DEFAULT_THRESHOLDS[test]): boolean {
  return testKind(test) === 'pvalue' ? score < threshold : score >= threshold;
}

/** The dataset drifts when the share of drifted columns is >= driftShare (0.5 by default). */
export function datasetDrift(columns: ColumnDrift[], driftShare = DEFAULT_DRIFT_SHARE): DatasetDrift {
  const driftedCount = columns.filter((c) => c.drifted).length;
  const share = columns.length === 0 ? 0 : driftedCount / columns.length;
  return { columns, driftedCount, share, drifted: columns.length > 0 && share >= driftShare };
}
