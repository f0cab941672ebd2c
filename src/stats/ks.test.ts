import { describe, expect, it } from 'vitest';
import { kolmogornSf } from './kolmogorov.js';
import { ks2samp } from './ks.js';
import { expectClose, fixture } from './testing.js';
import type { Alternative, KsMethod } from './types.js';

interface KsCase {
  a: number[];
  b: number[];
  results: { alternative: Alternative; method: KsMethod; statistic: number; pvalue: number; location: number; sign: 1 | -1 }[];
}

describe('ks2samp agrees with scipy.stats.ks_2samp', () => {
  const cases = fixture<KsCase>('ks.json');
  for (const c of cases) {
    it(`n=${c.a.length}, m=${c.b.length}`, () => {
      for (const r of c.results) {
        const what = `${r.method} ${r.alternative} n=${c.a.length} m=${c.b.length}`;
        const got = ks2samp(c.a, c.b, { alternative: r.alternative, method: r.method });
        expectClose(got.statistic, r.statistic, 1e-12, `${what} statistic`);
        expectClose(got.pvalue, r.pvalue, 1e-9, `${what} pvalue`);
        expect(got.statisticLocation, `${what} location`).toBe(r.location);
        expect(got.statisticSign, `${what} sign`).toBe(r.sign);
      }
    });
  }

  it('auto is exact up to 10000 rows and asymptotic above (scipy MAX_AUTO_N)', () => {
    expect(ks2samp([1, 2, 3], [2, 3, 4]).method).toBe('exact');
    const big = Float64Array.from({ length: 10001 }, (_, i) => i);
    expect(ks2samp(big, [1, 2, 3]).method).toBe('asymp');
  });

  it('refuses NaN and empty samples, and does not mutate its inputs', () => {
    expect(() => ks2samp([1, NaN], [1])).toThrow(/NaN/);
    expect(() => ks2samp([], [1])).toThrow(/non-empty/);
    const a = [3, 1, 2];
    ks2samp(a, [0, 5]);
    expect(a).toEqual([3, 1, 2]);
  });
});

describe('kolmogornSf agrees with scipy.stats.kstwo.sf', () => {
  for (const c of fixture<{ n: number; x: number; sf: number }>('kstwo.json')) {
    it(`n=${c.n} x=${c.x.toPrecision(4)}`, () => expectClose(kolmogornSf(c.n, c.x), c.sf, 1e-9, `kstwo.sf(${c.x}, ${c.n})`));
  }
});
