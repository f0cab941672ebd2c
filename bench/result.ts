/**
 * The line each benchmark ends with, for bench/run.ts to collect into one table:
 * `BENCH_RESULT {"bench":"startup","ratios":{"--version / node -e 0":1.9}}`.
 * A ratio's meaning (ours/baseline or baseline/ours) is said in its name and in the bench's own output.
 */
export function printBenchResult(bench: string, ratios: Record<string, number>): void {
  const rounded = Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, Number(v.toFixed(3))]));
  console.log(`BENCH_RESULT ${JSON.stringify({ bench, ratios: rounded })}`);
}
