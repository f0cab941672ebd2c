/**
 * `threadline validate` facts on 1,000,000 rows (CSV and Parquet written by DuckDB), a suite of
 * 12 expectations, against two baselines measured in the same run on the same file:
 *   - one bare scan (`SELECT count(*)` of every column's non-nulls): the floor for reading it;
 *   - one query per expectation (as a GX SQL back end issues one per metric): what the single
 *     aggregate scan saves.
 * Best of `rounds` (3) each, wall-clock.
 *
 *   npx tsx bench/validate.ts [rows=1000000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { computeValidationFacts, tabularSource } from '../src/validate/duckdb-facts.js';
import { evaluateSuite, planFacts } from '../src/validate/evaluate.js';
import type { Suite } from '../src/validate/types.js';
import { printBenchResult } from './result.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const rounds = 3;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-validate-'));

const suite: Suite = {
  name: 'bench',
  expectations: [
    { expect: 'not_null', column: 'id' },
    { expect: 'unique', column: 'id' },
    { expect: 'between', column: 'amount', min: 0, max: 100 },
    { expect: 'in_set', column: 'status', values: ['new', 'paid', 'shipped'] },
    { expect: 'regex', column: 'email', pattern: '[a-z0-9]+@[a-z]+\\.com' },
    { expect: 'type', column: 'day', type: 'date' },
    { expect: 'row_count_between', min: 1 },
    { expect: 'mean_between', column: 'amount', min: 0, max: 100 },
    { expect: 'std_between', column: 'amount', max: 100 },
    { expect: 'min_between', column: 'day', min: '2020-01-01' },
    { expect: 'distinct_count_between', column: 'status', max: 10 },
    { expect: 'null_fraction_at_most', column: 'amount', max: 0.1 },
  ],
};

/** The naive plan: one SQL query per expectation, each a scan of the file. */
const perExpectationSql = [
  'SELECT count(*) - count(id) FROM {t}',
  'SELECT sum(n) FROM (SELECT count(*) n FROM {t} WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1)',
  'SELECT count(*) FROM {t} WHERE amount < 0 OR amount > 100',
  "SELECT count(*) FROM {t} WHERE status IS NOT NULL AND status NOT IN ('new', 'paid', 'shipped')",
  "SELECT count(*) FROM {t} WHERE email IS NOT NULL AND NOT regexp_full_match(email, '[a-z0-9]+@[a-z]+\\.com')",
  'SELECT typeof(day) FROM {t} LIMIT 1',
  'SELECT count(*) FROM {t}',
  'SELECT avg(amount) FROM {t}',
  'SELECT stddev_samp(amount) FROM {t}',
  'SELECT min(day) FROM {t}',
  'SELECT count(DISTINCT status) FROM {t}',
  'SELECT count(*) - count(amount) FROM {t}',
];

async function best(run: () => Promise<unknown>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const csv = path.join(dir, 'orders.csv');
const parquet = path.join(dir, 'orders.parquet');
const ratios: Record<string, number> = {};
const generate = `SELECT i AS id, CASE WHEN i % 37 = 0 THEN NULL ELSE (hash(i) % 12000) / 100.0 - 5 END AS amount,
  ['new', 'paid', 'shipped', 'lost'][1 + (hash(i * 7) % 4)::INTEGER] AS status,
  'user' || (i % 1000) || CASE WHEN i % 53 = 0 THEN '-at-example' ELSE '@example.com' END AS email,
  DATE '2026-01-01' + (i % 365)::INTEGER AS day FROM range(${rows}) r(i)`;
await connection.run(`COPY (${generate}) TO '${csv}' (HEADER)`);
await connection.run(`COPY (${generate}) TO '${parquet}' (FORMAT parquet)`);

console.log(`validate facts: ${rows.toLocaleString('en-US')} rows, ${suite.expectations.length} expectations, best of ${rounds}`);
for (const file of [csv, parquet]) {
  const source = await tabularSource(file);
  const reader = file.endsWith('.csv') ? `read_csv_auto('${file}')` : `read_parquet('${file}')`;
  let verdict = '';
  const ours = await best(async () => {
    const result = evaluateSuite(suite, await computeValidationFacts(source, planFacts(suite)));
    verdict = `${result.failed} of ${result.evaluated} failed`;
  });
  const bare = await best(() => connection.run(`SELECT count(id), count(amount), count(status), count(email), count(day) FROM ${reader}`));
  const naive = await best(async () => {
    for (const sql of perExpectationSql) await connection.run(sql.replaceAll('{t}', reader));
  });
  const name = path.extname(file).slice(1);
  ratios[`${name} ours / bare scan`] = ours / bare;
  ratios[`${name} naive / ours`] = naive / ours;
  console.log(
    `${name.padEnd(8)} ours ${ours.toFixed(0)} ms (${verdict})  |  bare scan ${bare.toFixed(0)} ms → ours/bare ${(ours / bare).toFixed(2)}x  |  query per expectation ${naive.toFixed(0)} ms → naive/ours ${(naive / ours).toFixed(2)}x`,
  );
}
printBenchResult('validate', ratios);
connection.closeSync();
instance.closeSync();
fs.rmSync(dir, { recursive: true, force: true });
