import { describe, expect, it } from 'vitest';
import { accuracy, meanAbsoluteError, precisionAtK, precisionRecallF1, rootMeanSquaredError } from './performance.js';

describe('performance metrics (hand-computed)', () => {
  // truth  1 1 1 0 0 0 1 0
  // pred   1 0 1 1 0 0 1 1  → hits at 0,2,4,5,6 = 5/8; tp 3, fp 2, fn 1
  const yTrue = [1, 1, 1, 0, 0, 0, 1, 0];
  const yPred = [1, 0, 1, 1, 0, 0, 1, 1];

  it('accuracy is the share of exact matches', () => {
    expect(accuracy(yTrue, yPred)).toBe(5 / 8);
    expect(accuracy(['cat', 'dog'], ['cat', 'cat'])).toBe(0.5);
    expect(accuracy([], [])).toBeNaN();
    expect(() => accuracy([1], [])).toThrow(/same length/);
  });

  it('precision 3/5, recall 3/4, F1 = 2PR/(P+R) = 2/3', () => {
    const s = precisionRecallF1(yTrue, yPred, 1);
    expect(s).toMatchObject({ truePositives: 3, falsePositives: 2, falseNegatives: 1 });
    expect(s.precision).toBeCloseTo(0.6, 15);
    expect(s.recall).toBeCloseTo(0.75, 15);
    expect(s.f1).toBeCloseTo((2 * 0.6 * 0.75) / 1.35, 15);
    // The other class as positive: tp 2 (idx 4,5), fp 1 (idx 1), fn 2 (idx 3,7).
    const neg = precisionRecallF1(yTrue, yPred, 0);
    expect(neg.precision).toBeCloseTo(2 / 3, 15);
    expect(neg.recall).toBeCloseTo(0.5, 15);
  });

  it('no predicted positives: precision and F1 are 0, not NaN (sklearn zero_division)', () => {
    expect(precisionRecallF1([1, 0], [0, 0], 1)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });

  it('MAE and RMSE', () => {
    // errors: 1, -2, 0, 3 → MAE 6/4, RMSE sqrt(14/4)
    const t = new Float64Array([3, 5, 2, 7]);
    const p = new Float64Array([2, 7, 2, 4]);
    expect(meanAbsoluteError(t, p)).toBe(1.5);
    expect(rootMeanSquaredError(t, p)).toBeCloseTo(Math.sqrt(3.5), 15);
  });

  it('precision@k: hits in the top k over k, averaged', () => {
    const recommended = [
      ['a', 'b', 'c', 'd'], // top 3 a b c, relevant {a, c, z} → 2/3
      ['x', 'y'], //          short ranking, relevant {y} → 1/3
      ['q', 'q', 'r'], //     q counted once, relevant {q} → 1/3
    ];
    const relevant = [['a', 'c', 'z'], ['y'], ['q']];
    expect(precisionAtK(recommended, relevant, 3)).toBeCloseTo((2 / 3 + 1 / 3 + 1 / 3) / 3, 15);
    expect(precisionAtK(recommended, relevant, 1)).toBeCloseTo((1 + 0 + 1) / 3, 15);
    expect(() => precisionAtK(recommended, relevant, 0)).toThrow(/positive integer/);
  });
});
