import { describe, expect, it } from 'vitest';
import { demographicParity, disparateImpact, equalizedOdds, groupRates } from './fairness.js';

// Hand-made: group a: 4 rows, b: 4 rows.
//   a: y_true 1 1 0 0, y_pred 1 1 1 0 → selection 3/4, TPR 2/2 = 1, FPR 1/2
//   b: y_true 1 1 0 0, y_pred 1 0 0 0 → selection 1/4, TPR 1/2,     FPR 0/2 = 0
const yTrue = [1, 1, 0, 0, 1, 1, 0, 0] as const;
const yPred = [1, 1, 1, 0, 1, 0, 0, 0] as const;
const groups = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'];

describe('fairness metrics (fairlearn definitions)', () => {
  it('per-group rates', () => {
    expect(groupRates([...yTrue], [...yPred], groups)).toEqual([
      { group: 'a', count: 4, selectionRate: 0.75, truePositiveRate: 1, falsePositiveRate: 0.5 },
      { group: 'b', count: 4, selectionRate: 0.25, truePositiveRate: 0.5, falsePositiveRate: 0 },
    ]);
  });
  it('demographic parity difference 0.5 and ratio 1/3', () => {
    const dp = demographicParity([...yPred], groups);
    expect(dp.difference).toBeCloseTo(0.5, 15);
    expect(dp.ratio).toBeCloseTo(1 / 3, 15);
  });
  it('equalized odds: difference max(0.5, 0.5), ratio min(0.5, 0)', () => {
    expect(equalizedOdds([...yTrue], [...yPred], groups)).toEqual({ difference: 0.5, ratio: 0 });
  });
  it('disparate impact: unprivileged rate over privileged rate', () => {
    expect(disparateImpact([...yPred], groups, 'b', 'a')).toBeCloseTo(1 / 3, 15);
    expect(disparateImpact([...yPred], groups, 'a', 'b')).toBe(3);
    expect(() => disparateImpact([...yPred], groups, 'c', 'a')).toThrow(/group c/);
  });
  it('booleans work as labels; a group without positives has NaN TPR; zero max selection gives NaN ratio', () => {
    const r = groupRates([false, false, true], [false, true, true], ['x', 'x', 'y']);
    expect(r[0]!.truePositiveRate).toBeNaN();
    expect(demographicParity([0, 0], ['x', 'y']).ratio).toBeNaN();
  });
});
