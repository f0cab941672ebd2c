/** Numbers as the report prints them: short, with tiny p-values in exponent form. */
export function formatNumber(x: number | undefined, digits = 4): string {
  if (x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs < 1e-3 || abs >= 1e7) return x.toExponential(2);
  if (Number.isInteger(x)) return x.toLocaleString('en');
  return String(Number(x.toPrecision(digits)));
}

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}

export function formatShare(share: number): string {
  return `${(share * 100).toFixed(share > 0 && share < 0.01 ? 1 : 0)}%`;
}
