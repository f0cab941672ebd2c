import { describe, expect, it } from 'vitest';
import { chooseDriftTest, datasetDrift, isDrifted } from './choose.js';
import type { ColumnDrift } from './types.js';

describe("Evidently's automatic drift test choice", () => {
  it.each([
    ['numeric', 1000, 6, 'ks', 0.05],
    ['numeric', 1001, 6, 'wasserstein', 0.1],
    ['numeric', 500, 5, 'chisquare', 0.05],
    ['numeric', 500, 2, 'z', 0.05],
    ['numeric', 5000, 5, 'jensenshannon', 0.1],
    ['categorical', 1000, 3, 'chisquare', 0.05],
    ['categorical', 1000, 2, 'z', 0.05],
    ['binary', 10, 2, 'z', 0.05],
    ['categorical', 1001, 50, 'jensenshannon', 0.1],
    ['binary', 1001, 2, 'jensenshannon', 0.1],
  ] as const)('%s, %i reference rows, %i unique → %s at %f', (kind, rows, unique, test, threshold) => {
    expect(chooseDriftTest(kind, rows, unique)).toMatchObject({ test, threshold });
  });

  it('p-value tests drift below the threshold, distances at or above it', () => {
    expect(isDrifted('ks', 0.049)).toBe(true);
    expect(isDrifted('ks', 0.05)).toBe(false);
    expect(isDrifted('wasserstein', 0.1)).toBe(true);
    expect(isDrifted('jensenshannon', 0.099)).toBe(false);
    expect(isDrifted('psi', 0.2, 0.25)).toBe(false);
  });

  it('the dataset drifts when the share of drifted columns is >= 0.5 (or the given share)', () => {
    const col = (drifted: boolean): ColumnDrift => ({ column: 'c', test: 'ks', score: 0, statistic: 1, pvalue: 0, threshold: 0.05, drifted });
    expect(datasetDrift([col(true), col(false)])).toMatchObject({ driftedCount: 1, share: 0.5, drifted: true });
    expect(datasetDrift([col(true), col(false), col(false)]).drifted).toBe(false);
    expect(datasetDrift([col(true), col(false), col(false)], 0.3).drifted).toBe(true);
    expect(datasetDrift([]).drifted).toBe(false);
  });
});
