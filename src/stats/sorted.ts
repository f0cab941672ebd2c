import { radixSortFloat64 } from './radix-sort.js';
import type { Numbers } from './types.js';

/** A sorted Float64Array copy; NaN is refused because every test here needs a total order. */
export function sortedCopy(values: Numbers, what = 'values'): Float64Array {
  const out = Float64Array.from(values as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) throw new RangeError(`${what} contain NaN: drop missing values first`);
  }
  return radixSortFloat64(out);
}

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
