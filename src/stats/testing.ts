/** Fixture loading and tolerance for the stats tests (test-only; the module itself does no I/O). */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export function fixture<T>(name: string): T[] {
  return (JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as { cases: T[] }).cases;
}

/** |actual − expected| <= tol · max(1, |expected|): absolute up to 1, relative above. */
export function expectClose(actual: number, expected: number, tol = 1e-9, what = ''): void {
  const ok = Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)) || (Number.isNaN(actual) && Number.isNaN(expected));
  expect(ok, `${what}: got ${actual}, scipy ${expected} (diff ${actual - expected})`).toBe(true);
}
