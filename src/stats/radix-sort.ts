/**
 * Ascending sort of a Float64Array by LSD radix on the IEEE-754 bits (16-bit digits, 4 passes,
 * a pass whose digit is the same for every value skipped): about twice as fast as
 * TypedArray#sort on the million-row columns drift works on. Bits are made order-preserving
 * first (negative numbers: all bits flipped; others: the sign bit flipped), so −0 sorts before
 * +0 as with TypedArray#sort. NaN must be removed before.
 */
const RADIX = 1 << 16;
const MIN_RADIX_N = 1 << 16;

/** Sorts `values` in place and returns it. */
export function radixSortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < MIN_RADIX_N) return values.sort();
  let words: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, n * 2); // [lo, hi] per value (little-endian)
  const counts = new Uint32Array(4 * RADIX);
  for (let i = 0; i < n; i++) {
    let lo = words[2 * i]!;
    let hi = words[2 * i + 1]!;
    if (hi & 0x80000000) {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
      words[2 * i] = lo;
    } else hi = (hi | 0x80000000) >>> 0;
    words[2 * i + 1] = hi;
    counts[lo & 0xffff]!++;
    counts[RADIX + (lo >>> 16)]!++;
    counts[2 * RADIX + (hi & 0xffff)]!++;
    counts[3 * RADIX + (hi >>> 16)]!++;
  }
  let other: Uint32Array = new Uint32Array(n * 2);
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * RADIX;
    let sum = 0;
    let constant = false;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d]!;
      if (c === n) constant = true;
      counts[base + d] = sum;
      sum += c;
    }
    if (constant) continue;
    const word = pass >> 1; // 0: lo, 1: hi
    const shift = (pass & 1) * 16;
    for (let i = 0; i < n; i++) {
      const lo = words[2 * i]!;
      const hi = words[2 * i + 1]!;
      const at = counts[base + (((word ? hi : lo) >>> shift) & 0xffff)]!++;
      other[2 * at] = lo;
      other[2 * at + 1] = hi;
    }
    [words, other] = [other, words];
  }
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1]!;
    if (hi & 0x80000000) words[2 * i + 1] = (hi & 0x7fffffff) >>> 0;
    else {
      words[2 * i] = ~words[2 * i]! >>> 0;
      words[2 * i + 1] = ~hi >>> 0;
    }
  }
  if (words.buffer !== values.buffer) values.set(new Float64Array(words.buffer, words.byteOffset, n));
  return values;
}
