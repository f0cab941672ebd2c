/**
 * searchRuns on a large SQLite store: N runs × 20 params × 20 metrics, then a typical MLflow
 * filter, timed against a plain `select run_id from runs limit 100` on the same store.
 *
 *   npx tsx bench/search-runs.ts [runs=100000] [--explain] [--filter "…"] [--index "CREATE INDEX …"]…
 *
 * `--index` adds an index after the fill, to measure one before proposing it as a migration;
 * `--filter` replaces the default filter (e.g. a selective one that matches few runs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { compileSearchRuns } from '../src/registry/search-filter/run-search-store.js';
import { searchRuns, type SearchRunsOptions } from '../src/registry/search-filter/index.js';
import { openStore, type Store } from '../src/store/database.js';
import { seededRandom } from '../test/random.js';
import { printBenchResult } from './result.js';

const PARAMS = 20;
const METRICS = 20;
const ITERATIONS = 200;

const args = process.argv.slice(2);
const runCount = Number(args.find((a, i) => /^\d+$/.test(a) && !args[i - 1]?.startsWith('--')) ?? 100_000);
const explain = args.includes('--explain');
const option = (name: string) => args.flatMap((a, i) => (a === name && args[i + 1] !== undefined ? [args[i + 1]!] : []));
const indexes = option('--index');
const FILTER = option('--filter')[0] ?? "metrics.m3 > 0.5 and params.p7 = 'v3'";

function fill(store: Store, n: number): void {
  const db = store.sqlite!;
  const run = db.prepare(
    `insert into runs (run_id, experiment_id, name, status, user_id, start_time, end_time, lifecycle_stage, artifact_uri)
     values (?, '0', ?, 'FINISHED', 'bench', ?, ?, 'active', ?)`,
  );
  const param = db.prepare('insert into params (run_id, key, value) values (?, ?, ?)');
  const metric = db.prepare('insert into metrics (run_id, key, value, timestamp, step, is_nan) values (?, ?, ?, ?, 0, 0)');
  const latest = db.prepare('insert into latest_metrics (run_id, key, value, timestamp, step, is_nan) values (?, ?, ?, ?, 0, 0)');
  const next = seededRandom(42);
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      const id = i.toString(16).padStart(32, '0');
      const start = 1_700_000_000_000 + i * 1000;
      run.run(id, `run-${i}`, start, start + 500, `threadline-artifacts:/${id}`);
      for (let p = 0; p < PARAMS; p += 1) param.run(id, `p${p}`, `v${Math.floor(next() * 10)}`);
      for (let m = 0; m < METRICS; m += 1) {
        const value = next();
        metric.run(id, `m${m}`, value, start);
        latest.run(id, `m${m}`, value, start);
      }
    }
  });
  const step = 10_000;
  const began = performance.now();
  for (let from = 0; from < n; from += step) {
    batch(from, Math.min(n, from + step));
    process.stderr.write(`\rfilled ${Math.min(n, from + step)} / ${n} runs (${((performance.now() - began) / 1000).toFixed(1)} s)`);
  }
  process.stderr.write('\n');
  db.exec('analyze');
}

async function time(label: string, action: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i += 1) await action(); // warm the page cache and statement cache
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) {
    const began = performance.now();
    await action();
    samples.push(performance.now() - began);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  const result = { p50: at(0.5), p95: at(0.95) };
  console.log(`${label.padEnd(44)} p50 ${result.p50.toFixed(3)} ms   p95 ${result.p95.toFixed(3)} ms`);
  return result;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-'));
  const store = await openStore(path.join(dir, 'bench.db'));
  try {
    fill(store, runCount);
    for (const statement of indexes) {
      process.stderr.write(`adding: ${statement}\n`);
      store.sqlite!.exec(statement);
    }
    if (indexes.length > 0) store.sqlite!.exec('analyze');

    const options: SearchRunsOptions = { experimentIds: ['0'], filter: FILTER, maxResults: 100 };
    const search = () => searchRuns(store, options);
    const first = await search();
    console.log(`${runCount} runs × ${PARAMS} params × ${METRICS} metrics; filter: ${FILTER}; page of ${first.runIds.length}`);
    if (explain) printPlan(store, options);
    const base = await time('baseline: select run_id from runs limit 100', () =>
      sql`select run_id from runs limit 100`.execute(store.db),
    );
    const measured = await time('searchRuns (maxResults 100)', search);
    console.log(`ratio searchRuns / baseline: p50 ${(measured.p50 / base.p50).toFixed(1)}×, p95 ${(measured.p95 / base.p95).toFixed(1)}×`);
    printBenchResult('search-runs', { 'searchRuns / baseline p50': measured.p50 / base.p50, 'searchRuns / baseline p95': measured.p95 / base.p95 });
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The plan SQLite picks for the search query. */
function printPlan(store: Store, options: SearchRunsOptions): void {
  const compiled = compileSearchRuns(store, options)!.query.compile();
  const plan = store.sqlite!.prepare(`explain query plan ${compiled.sql}`).all(...compiled.parameters) as { detail: string }[];
  console.log(plan.map((row) => `  ${row.detail}`).join('\n'));
}

await main();
