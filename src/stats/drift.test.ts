import { describe, expect, it } from 'vitest';
import { categoricalDrift, numericDrift } from './drift.js';
import { ks2samp } from './ks.js';
import { wassersteinNormed } from './wasserstein.js';
import { datasetDrift } from './choose.js';

const grid = (n: number, shift: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 3 + shift);

describe('column drift with the automatic choice', () => {
  it('small numeric columns use KS, large ones normed Wasserstein, with their thresholds', () => {
    const small = numericDrift('x', grid(500, 0), grid(400, 1));
    expect(small).toMatchObject({ test: 'ks', threshold: 0.05, drifted: true });
    expect(small.score).toBe(ks2samp(grid(500, 0), grid(400, 1)).pvalue);
    const large = numericDrift('x', grid(5000, 0), grid(5000, 0.01));
    expect(large).toMatchObject({ test: 'wasserstein', threshold: 0.1, drifted: false });
    expect(large.score).toBeCloseTo(wassersteinNormed(grid(5000, 0), grid(5000, 0.01)), 12);
  });
  it('few distinct numeric values: chi-square / z when small, Jensen–Shannon by value when large', () => {
    const three = (n: number) => Float64Array.from({ length: n }, (_, i) => i % 3);
    expect(numericDrift('k', three(300), three(300)).test).toBe('chisquare');
    expect(numericDrift('b', three(300).map((v) => v % 2), three(200).map((v) => v % 2)).test).toBe('z');
    expect(numericDrift('k', three(3000), three(3000))).toMatchObject({ test: 'jensenshannon', score: 0, drifted: false });
  });
  it('categorical and binary columns; an explicit test and threshold win', () => {
    const ref = new Map([['a', 500], ['b', 300], ['c', 200]]);
    const cur = new Map([['a', 200], ['b', 300], ['c', 500]]);
    expect(categoricalDrift('c', 'categorical', ref, cur)).toMatchObject({ test: 'chisquare', drifted: true });
    expect(categoricalDrift('c', 'categorical', new Map([['a', 5000]]), new Map([['a', 10]]))).toMatchObject({ test: 'jensenshannon', score: 0 });
    expect(categoricalDrift('y', 'binary', new Map([['0', 50], ['1', 50]]), new Map([['0', 52], ['1', 48]]))).toMatchObject({ test: 'z', drifted: false });
    expect(categoricalDrift('c', 'categorical', ref, cur, { test: 'psi', threshold: 2 })).toMatchObject({ test: 'psi', threshold: 2, drifted: false });
    expect(() => categoricalDrift('c', 'categorical', ref, cur, { test: 'ks' })).toThrow(/categorical/);
  });
  it('feeds the dataset rule', () => {
    const cols = [numericDrift('a', grid(500, 0), grid(400, 1)), numericDrift('b', grid(500, 0), grid(400, 0))];
    expect(datasetDrift(cols)).toMatchObject({ driftedCount: 1, share: 0.5, drifted: true });
  });
});
