/**
 * Drift on 1,000,000 rows × 20 numeric columns, reference vs current: our two-sample KS per
 * column (the `auto` choice at this size is the asymptotic p-value, as scipy's) against the
 * same-run baseline of scipy.stats.ks_2samp looped over the same columns (/usr/bin/python3; only
 * the loop is timed, not the loading). Best of `rounds` (3) on each side, wall-clock and CPU time
 * both: the CPU time is what stays meaningful when other work shares the machine.
 *
 *   npx tsx bench/drift.ts [rows=1000000] [columns=20]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ks2samp } from '../src/stats/index.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const columns = Number(process.argv[3] ?? 20);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-drift-'));

/** Deterministic normal samples (mulberry32 + Box–Muller); half the columns get a small shift. */
function column(seed: number, shift: number, scale: number): Float64Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const th = 2 * Math.PI * uniform();
    out[i] = shift + scale * r * Math.cos(th);
    if (i + 1 < rows) out[i + 1] = shift + scale * r * Math.sin(th);
  }
  return out;
}

const reference: Float64Array[] = [];
const current: Float64Array[] = [];
for (let c = 0; c < columns; c++) {
  reference.push(column(2 * c + 1, 0, 1));
  current.push(column(2 * c + 2, c % 2 ? 0.01 * c : 0, c % 4 === 3 ? 1.05 : 1));
  fs.writeFileSync(path.join(dir, `ref-${c}.f64`), reference[c]!);
  fs.writeFileSync(path.join(dir, `cur-${c}.f64`), current[c]!);
}

const rounds = 3;
let ours: ReturnType<typeof ks2samp>[] = [];
let oursSeconds = Infinity;
let oursCpu = Infinity;
for (let r = 0; r < rounds; r++) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  ours = reference.map((ref, c) => ks2samp(ref, current[c]!));
  oursSeconds = Math.min(oursSeconds, (performance.now() - start) / 1000);
  const used = process.cpuUsage(cpu);
  oursCpu = Math.min(oursCpu, (used.user + used.system) / 1e6);
}

const script = `
import sys, time, json
import numpy as np
from scipy import stats
d, k = sys.argv[1], int(sys.argv[2])
ref = [np.fromfile(f"{d}/ref-{c}.f64") for c in range(k)]
cur = [np.fromfile(f"{d}/cur-{c}.f64") for c in range(k)]
secs, cpu = float("inf"), float("inf")
for _ in range(int(sys.argv[3])):
    t, c0 = time.perf_counter(), time.process_time()
    res = [stats.ks_2samp(ref[c], cur[c]) for c in range(k)]
    secs, cpu = min(secs, time.perf_counter() - t), min(cpu, time.process_time() - c0)
print(json.dumps({"seconds": secs, "cpu": cpu, "results": [[float(r.statistic), float(r.pvalue)] for r in res]}))
`;
const scipy = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, dir, String(columns), String(rounds)], { encoding: 'utf8', maxBuffer: 1 << 24 })) as {
  seconds: number;
  cpu: number;
  results: [number, number][];
};
fs.rmSync(dir, { recursive: true, force: true });

let maxPDiff = 0;
ours.forEach((r, c) => {
  const [d, p] = scipy.results[c]!;
  if (r.statistic !== d) throw new Error(`column ${c}: D ${r.statistic} vs scipy ${d}`);
  maxPDiff = Math.max(maxPDiff, Math.abs(r.pvalue - p));
});
console.log(`drift KS: ${rows.toLocaleString('en')} rows × ${columns} columns, reference vs current (method ${ours[0]!.method})`);
console.log(`  best of ${rounds}             wall       cpu   (load average ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cpus)`);
console.log(`  threadline ks2samp   ${oursSeconds.toFixed(2)} s   ${oursCpu.toFixed(2)} s`);
console.log(`  scipy ks_2samp loop  ${scipy.seconds.toFixed(2)} s   ${scipy.cpu.toFixed(2)} s`);
console.log(`  ratio scipy/ours     ${(scipy.seconds / oursSeconds).toFixed(2)}×     ${(scipy.cpu / oursCpu).toFixed(2)}×   (max |Δp| vs scipy ${maxPDiff.toExponential(2)}; ${ours.filter((r) => r.pvalue < 0.05).length} columns drifted at p < 0.05)`);
