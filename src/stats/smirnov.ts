/**
 * One-sided Smirnov survival function Pr(D+_n >= x), the exact Birnbaum–Tingey sum that
 * scipy.special.smirnov evaluates (cephes `_smirnov`). Cephes sums in double-double; here each
 * term is formed in log space, which keeps p-values within ~1e-12 absolute of it. Like cephes,
 * n above 1,000,000 uses the approximation p ≈ exp(−(6nx+1)²/18n).
 */
const MAX_COMPUTE_N = 1_000_000;

export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  if (nx <= 1) return 1 - x * Math.pow(1 + x, n - 1);
  if (-2 * n * x * x < -708.3964185322641) return 0;
  if (Math.floor(nx) >= n - 1) return Math.pow(1 - x, n);
  if (n > MAX_COMPUTE_N) return Math.exp(-Math.pow(6 * n * x + 1, 2) / 18 / n);
  // sf = x · Σ_{j=0}^{⌊n(1−x)⌋} C(n,j) (x + j/n)^{j−1} (1 − x − j/n)^{n−j}, with cephes' stop rule
  // j runs while 1 − x − j/n > 0: ⌊n(1−x)⌋ + 1 terms, one fewer when n·x is an integer
  const nTerms = n - Math.floor(nx);
  let logC = 0;
  let sum = 0;
  for (let j = 0; j < nTerms; j++) {
    if (j > 0) logC += Math.log((n - j + 1) / j);
    const term = Math.exp(logC + (j - 1) * Math.log(x + j / n) + (n - j) * Math.log1p(-x - j / n));
    sum += term;
    if (term !== 0 && 4 * (nTerms - j) * term < Number.EPSILON * sum && j !== nTerms - 1) break;
    if (term === 0 && j > n / 2) break;
  }
  return Math.min(1, Math.max(0, x * sum));
}
