/**
 * Drift on 1,000,000 rows × 20 numeric columns, reference vs current: our two-sample KS per
 * column (the `auto` choice at this size is the asymptotic p-value, as scipy's) against the
 * same-run baseline of scipy.stats.ks_2samp looped over the same columns (/usr/bin/python3; only
 * the loop is timed, not the loading). Best of `rounds` (3) on each side, wall-clock and CPU time
 * both: the CPU time is what stays meaningful when other work shares the machine.
 *
 * Then the path of `threadline drift REF CUR --report FILE` on the same columns written as
 * Parquet and CSV (by DuckDB): read both files through DuckDB, score every column (auto test,
 * and --test ks), render and write the HTML report — against the same scipy loop, which is
 * given its arrays already in memory.
 *
 *   npx tsx bench/drift.ts [rows=1000000] [columns=20] [--no-files]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, DuckDBDataChunk, DOUBLE } from '@duckdb/node-api';
import { checkDrift, type DriftCheckOptions } from '../src/drift/drift-check.js';
import { renderDriftReport } from '../src/drift/report/html.js';
import { ks2samp } from '../src/stats/index.js';
import { printBenchResult } from './result.js';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rows = Number(positional[0] ?? 1_000_000);
const columns = Number(positional[1] ?? 20);
const withFiles = !process.argv.includes('--no-files');
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

if (withFiles) {
  const files = await writeTables(dir, { reference, current });
  reference.length = 0; // the arrays are on disk now; free them for the reads
  current.length = 0;
  console.log(`\nthreadline drift REF CUR --report (read both files with DuckDB + score + HTML), ${rows.toLocaleString('en')} rows × ${columns} columns`);
  console.log(`  best of n             wall       cpu     scipy loop / ours (wall, cpu)`);
  const cases: [string, 'parquet' | 'csv', DriftCheckOptions, number][] = [
    ['parquet, --test auto', 'parquet', {}, rounds],
    ['parquet, --test ks  ', 'parquet', { test: 'ks' }, rounds],
    ['csv,     --test auto', 'csv', {}, 1],
  ];
  for (const [label, format, options, n] of cases) {
    const t = await timeReportPath(files[format].reference, files[format].current, options, n);
    console.log(
      `  ${label} (${n})  ${t.seconds.toFixed(2)} s   ${t.cpu.toFixed(2)} s   ${(scipy.seconds / t.seconds).toFixed(2)}×  ${(scipy.cpu / t.cpu).toFixed(2)}×   ` +
        `(${t.drifted} of ${columns} columns drifted by ${t.tests}; report ${(t.bytes / 1024).toFixed(0)} KiB)`,
    );
  }
  console.log(`  (cpu counts this process only: DuckDB's reader threads are included, scipy's loop is single-threaded)`);
}
printBenchResult('drift', { 'scipy / ours wall': scipy.seconds / oursSeconds, 'scipy / ours cpu': scipy.cpu / oursCpu });
fs.rmSync(dir, { recursive: true, force: true });

/** The CLI's work for one drift report, best of n. */
async function timeReportPath(ref: string, cur: string, options: DriftCheckOptions, n: number) {
  let seconds = Infinity;
  let cpu = Infinity;
  let drifted = 0;
  let tests = '';
  let bytes = 0;
  for (let r = 0; r < n; r++) {
    const used = process.cpuUsage();
    const start = performance.now();
    const result = await checkDrift(ref, cur, options);
    const html = renderDriftReport(result);
    fs.writeFileSync(path.join(dir, 'report.html'), html);
    seconds = Math.min(seconds, (performance.now() - start) / 1000);
    const u = process.cpuUsage(used);
    cpu = Math.min(cpu, (u.user + u.system) / 1e6);
    drifted = result.dataset.driftedCount;
    tests = [...new Set(result.columns.map((c) => c.test))].join(',');
    bytes = html.length;
  }
  return { seconds, cpu, drifted, tests, bytes };
}

/** The same columns as Parquet and CSV, appended to DuckDB in 2048-row chunks and copied out. */
async function writeTables(into: string, samples: { reference: Float64Array[]; current: Float64Array[] }) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const out = { parquet: { reference: '', current: '' }, csv: { reference: '', current: '' } };
  for (const side of ['reference', 'current'] as const) {
    const cols = samples[side];
    await connection.run(`CREATE OR REPLACE TABLE t (${cols.map((_, c) => `x${c} DOUBLE`).join(', ')})`);
    const appender = await connection.createAppender('t');
    const size = 2048;
    for (let start = 0; start < rows; start += size) {
      const count = Math.min(size, rows - start);
      const chunk = DuckDBDataChunk.create(cols.map(() => DOUBLE), count);
      cols.forEach((col, c) => chunk.setColumnValues(c, Array.from(col.subarray(start, start + count))));
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    for (const format of ['parquet', 'csv'] as const) {
      const file = path.join(into, `${side}.${format}`);
      await connection.run(`COPY t TO '${file}' (FORMAT ${format})`);
      out[format][side] = file;
    }
  }
  connection.closeSync();
  instance.closeSync();
  return out;
}
