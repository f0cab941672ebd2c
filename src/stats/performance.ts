/**
 * Model quality from ground truth, as scikit-learn defines it: accuracy, binary precision /
 * recall / F1 for one positive label (a zero denominator gives 0, sklearn's `zero_division`
 * default after its warning), MAE and RMSE, and precision@k for rankings (hits in the top k
 * over k, averaged over the rankings, as Evidently's recsys metric).
 */
import type { Numbers } from './types.js';

/** A class label: compared by value (booleans as themselves, numbers and strings as given). */
export type ClassLabel = string | number | boolean;

function sameLength(a: { length: number }, b: { length: number }): void {
  if (a.length !== b.length) throw new RangeError(`truth and predictions must have the same length (${a.length} vs ${b.length})`);
}

export function accuracy(yTrue: readonly ClassLabel[], yPred: readonly ClassLabel[]): number {
  sameLength(yTrue, yPred);
  if (yTrue.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

export interface BinaryScores {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

/** Precision, recall and F1 of `positive` against every other label. */
export function precisionRecallF1(yTrue: readonly ClassLabel[], yPred: readonly ClassLabel[], positive: ClassLabel = 1): BinaryScores {
  sameLength(yTrue, yPred);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const actual = yTrue[i] === positive;
    const predicted = yPred[i] === positive;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePositives: tp, falsePositives: fp, falseNegatives: fn };
}

export function meanAbsoluteError(yTrue: Numbers, yPred: Numbers): number {
  sameLength(yTrue, yPred);
  if (yTrue.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += Math.abs(yTrue[i]! - yPred[i]!);
  return sum / yTrue.length;
}

export function rootMeanSquaredError(yTrue: Numbers, yPred: Numbers): number {
  sameLength(yTrue, yPred);
  if (yTrue.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += (yTrue[i]! - yPred[i]!) ** 2;
  return Math.sqrt(sum / yTrue.length);
}

/**
 * Mean over rankings of |top k of `recommended` ∩ `relevant`| / k. A ranking shorter than k still
 * divides by k (missing slots are misses); an item counted once even if recommended twice.
 */
export function precisionAtK(recommended: readonly (readonly ClassLabel[])[], relevant: readonly (readonly ClassLabel[])[], k: number): number {
  sameLength(recommended, relevant);
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (recommended.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < recommended.length; i++) {
    const truth = new Set(relevant[i]);
    const seen = new Set<ClassLabel>();
    let hits = 0;
    for (const item of recommended[i]!.slice(0, k)) {
      if (truth.has(item) && !seen.has(item)) hits++;
      seen.add(item);
    }
    sum += hits / k;
  }
  return sum / recommended.length;
}
