import { describe, expect, it } from 'vitest';
import { sharedEdges } from './histogram.js';
import { profileCategorical, profileNumeric, RunningMoments } from './profile.js';
import { expectClose, fixture } from './testing.js';

interface ProfileCase { x: number[]; quantiles: number[]; q: number[]; mean: number; std: number | null; distinct: number; edges: number[]; counts: number[] }

describe('numeric profiles agree with numpy (quantile linear, std ddof=1, histogram bins=10)', () => {
  for (const c of fixture<ProfileCase>('profile.json')) {
    it(`n=${c.x.length}`, () => {
      const p = profileNumeric(c.x, { quantiles: c.quantiles });
      c.quantiles.forEach((q, i) => expectClose(p.quantiles[String(q)]!, c.q[i]!, 1e-12, `q${q}`));
      expectClose(p.mean, c.mean, 1e-12, 'mean');
      if (c.std === null) expect(p.std).toBeNaN();
      else expectClose(p.std, c.std, 1e-12, 'std');
      expect(p.distinct).toBe(c.distinct);
      p.histogram.edges.forEach((e, i) => expectClose(e, c.edges[i]!, 1e-12, `edge ${i}`));
      expect(p.histogram.counts).toEqual(c.counts);
    });
  }

  it('counts missing values (null, undefined, NaN) apart and bins a current sample on reference edges', () => {
    const ref = profileNumeric([1, 2, null, 3, NaN, undefined, 4], { bins: 3 });
    expect(ref).toMatchObject({ count: 4, missing: 3, distinct: 4, min: 1, max: 4, mean: 2.5 });
    const cur = profileNumeric([0, 1, 1, 4, 9], { edges: ref.histogram.edges });
    expect(cur.histogram.edges).toEqual(ref.histogram.edges);
    expect(cur.histogram.counts).toEqual([2, 0, 1]); // 0 and 9 fall outside, as numpy.histogram
    expect(sharedEdges([0, 1], [2, 3], 4)).toEqual([0, 0.75, 1.5, 2.25, 3]);
  });

  it('Welford moments match the two-pass formulas', () => {
    const m = new RunningMoments();
    [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16].forEach((x) => m.push(x));
    expect(m.mean).toBe(1e9 + 10);
    expectClose(m.std, Math.sqrt(30), 1e-9, 'std');
  });
});

describe('categorical profiles', () => {
  it('count, missing, distinct and top-k by count then value', () => {
    const p = profileCategorical(['b', 'a', 'b', null, 'c', 'a', 'b', undefined], 2);
    expect(p).toEqual({ kind: 'categorical', count: 6, missing: 2, distinct: 3, top: [{ value: 'b', count: 3 }, { value: 'a', count: 2 }] });
  });
});
