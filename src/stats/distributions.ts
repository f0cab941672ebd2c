/** Survival functions from @stdlib (no hand-written special functions). */
import gammainc from '@stdlib/math-base-special-gammainc';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

/** Pr(χ²_dof >= x): the upper regularised incomplete gamma, precise for tiny p (1 − cdf is not). */
export function chiSquareSf(x: number, dof: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, dof / 2, true, true);
}

/** Standard normal cdf. */
export function normCdf(z: number): number {
  return normalCdf(z, 0, 1);
}
