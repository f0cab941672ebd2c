import { describe, expect, it } from 'vitest';
import { radixSortFloat64 } from './radix-sort.js';

describe('radixSortFloat64', () => {
  it('sorts like TypedArray#sort: negatives, zeros, infinities, subnormals, duplicates', () => {
    const specials = [-Infinity, Infinity, 0, -0, 5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308, 1, 1, -1];
    let s = 12345;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const values = Float64Array.from({ length: 150_000 }, (_, i) => (i < specials.length ? specials[i]! : (rand() - 0.5) * 10 ** Math.floor(rand() * 20 - 10)));
    const expected = Float64Array.from(values).sort();
    const got = radixSortFloat64(Float64Array.from(values));
    expect(Array.from(got, (v) => Object.is(v, -0) ? '-0' : v)).toEqual(Array.from(expected, (v) => Object.is(v, -0) ? '-0' : v));
  });
  it('works on a view into a larger buffer and on constant data', () => {
    const big = new Float64Array(100_000).map((_, i) => 100_000 - i);
    const view = big.subarray(1000, 91000);
    radixSortFloat64(view);
    expect(view[0]).toBe(9001);
    expect(view[89999]).toBe(99000);
    expect(big[0]).toBe(100_000);
    expect(Array.from(radixSortFloat64(new Float64Array(70_000).fill(2.5)).slice(0, 2))).toEqual([2.5, 2.5]);
  });
});
