import { describe, expect, it } from 'vitest';
import { chiSquareCounts, chiSquareGoodnessOfFit, chiSquareTest } from './chi-square.js';
import { binnedCounts, jensenShannon, jensenShannonCategorical, jensenShannonNumeric } from './jensen-shannon.js';
import { psiCategorical, psiNumeric } from './psi.js';
import { expectClose, fixture } from './testing.js';
import { wassersteinDistance, wassersteinNormed } from './wasserstein.js';
import { zTestBinary, zTestProportions } from './z-test.js';

describe('chi-square agrees with scipy.stats.chi2_contingency (default correction)', () => {
  const cases = fixture<{ categories: string[]; reference: number[]; current: number[]; statistic: number; pvalue: number; dof: number; gof?: { statistic: number; pvalue: number } }>('chi2.json');
  for (const c of cases) {
    it(`${c.categories.length} categories, n=${c.reference.reduce((s, v) => s + v, 0)}`, () => {
      const ref = new Map(c.categories.map((k, i) => [k, c.reference[i]!]));
      const cur = new Map(c.categories.map((k, i) => [k, c.current[i]!]));
      const got = chiSquareCounts(ref, cur);
      expect(got.dof).toBe(c.dof);
      expectClose(got.statistic, c.statistic, 1e-9, 'statistic');
      expectClose(got.pvalue, c.pvalue, 1e-9, 'pvalue');
      if (c.gof) {
        const gof = chiSquareGoodnessOfFit(ref, cur);
        expectClose(gof.statistic, c.gof.statistic, 1e-9, "Evidently's goodness-of-fit statistic");
        expectClose(gof.pvalue, c.gof.pvalue, 1e-9, "Evidently's goodness-of-fit p-value");
      }
    });
  }
  it('counts raw labels and drops categories absent from both', () => {
    const got = chiSquareTest(['a', 'a', 'b', 'c'], ['a', 'b', 'b', 'b']);
    expect(got.categories).toEqual(['a', 'b', 'c']);
    expect(got.dof).toBe(2);
    expect(chiSquareTest(['a'], ['a']).pvalue).toBe(1);
  });
});

describe('z-test for two proportions agrees with the formula on scipy.stats.norm', () => {
  const cases = fixture<{ k1: number; n1: number; k2: number; n2: number; z: number; 'two-sided': number; less: number; greater: number }>('ztest.json');
  for (const c of cases) {
    it(`${c.k1}/${c.n1} vs ${c.k2}/${c.n2}`, () => {
      for (const alt of ['two-sided', 'less', 'greater'] as const) {
        const got = zTestProportions(c.k1, c.n1, c.k2, c.n2, alt);
        expectClose(got.statistic, c.z, 1e-9, 'z');
        expectClose(got.pvalue, c[alt], 1e-9, alt);
      }
    });
  }
  it('binary columns: counts the positive value; identical constant columns give p = 1', () => {
    const got = zTestBinary([1, 0, 1, 1], [0, 0, 1, 0], 1);
    const direct = zTestProportions(3, 4, 1, 4);
    expect(got).toEqual(direct);
    expect(zTestBinary(['y', 'y'], ['y'], 'y').pvalue).toBe(1);
  });
});

describe('Wasserstein agrees with scipy.stats.wasserstein_distance', () => {
  for (const c of fixture<{ a: number[]; b: number[]; distance: number; normed: number }>('wasserstein.json')) {
    it(`n=${c.a.length}, m=${c.b.length}`, () => {
      expectClose(wassersteinDistance(c.a, c.b), c.distance, 1e-9, 'distance');
      expectClose(wassersteinNormed(c.a, c.b), c.normed, 1e-9, 'normed (Evidently)');
    });
  }
});

describe('Jensen–Shannon agrees with scipy.spatial.distance.jensenshannon', () => {
  for (const c of fixture<{ p?: number[]; q?: number[]; a?: number[]; b?: number[]; e: number; base2: number; bins?: number }>('jensenshannon.json')) {
    it(c.p ? `${c.p.length} categories` : `numeric n=${c.a!.length} on ${c.bins} sturges bins`, () => {
      if (c.p && c.q) {
        expectClose(jensenShannon(c.p, c.q), c.e, 1e-9, 'base e');
        expectClose(jensenShannon(c.p, c.q, 2), c.base2, 1e-9, 'base 2');
        const ref = new Map(c.p.map((v, i) => [`k${String(i).padStart(2, '0')}`, v]));
        const cur = new Map(c.q.map((v, i) => [`k${String(i).padStart(2, '0')}`, v]));
        expectClose(jensenShannonCategorical(ref, cur), c.e, 1e-9, 'categorical');
      } else {
        expect(binnedCounts(c.a!, c.b!)[0]).toHaveLength(c.bins!);
        expectClose(jensenShannonNumeric(c.a!, c.b!), c.e, 1e-9, 'numeric base e');
        expectClose(jensenShannonNumeric(c.a!, c.b!, 2), c.base2, 1e-9, 'numeric base 2');
      }
    });
  }
});

describe('PSI agrees with the hand-written numpy reference in generate.py', () => {
  for (const c of fixture<{ a: number[]; b: number[]; quantile: number; quantile5: number; sturges: number }>('psi.json')) {
    it(`n=${c.a.length}, m=${c.b.length}`, () => {
      expectClose(psiNumeric(c.a, c.b), c.quantile, 1e-9, 'quantile, 10 bins');
      expectClose(psiNumeric(c.a, c.b, { bins: 5 }), c.quantile5, 1e-9, 'quantile, 5 bins');
      expectClose(psiNumeric(c.a, c.b, { binning: 'sturges' }), c.sturges, 1e-9, "Evidently's sturges binning");
    });
  }
  it('categorical: empty categories get the 0.0001 epsilon', () => {
    const ref = new Map([['a', 50], ['b', 50]]);
    const cur = new Map([['a', 100]]);
    const expected = (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - 0.0001) * Math.log(0.5 / 0.0001);
    expectClose(psiCategorical(ref, cur), expected, 1e-12, 'psi');
    expect(psiCategorical(ref, ref)).toBe(0);
  });
});
