/**
 * DuckDB reads of user-named things: a file and folder with a single quote (and a double quote)
 * in the name, columns named with a double quote and a single quote. Paths go in as parameters,
 * column names as escaped identifiers; none of it is SQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckdbFactSource } from '../validate/duckdb-facts.js';
import { runSuite } from '../validate/index.js';
import { toParquet } from './data/snapshot.js';
import { checkDrift } from '../drift/drift-check.js';

const header = 'id,"the ""amount""",it\'s\n';
const table = (shift: number, rows = 200) => header + Array.from({ length: rows }, (_, i) => `${i},${(i % 50) + shift},${'ab'[i % 2]}`).join('\n') + '\n';

describe('quotes in file and column names', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `threadline-o'brien "q"-`));
  const a = path.join(dir, `it's "a".csv`);
  const b = path.join(dir, `it's "b".csv`);
  fs.writeFileSync(a, table(0));
  fs.writeFileSync(b, table(100));

  it('drift reads both files and scores the quoted columns', async () => {
    const result = await checkDrift(a, b, { columns: ['the "amount"', "it's"] });
    expect(result.columns.map((c) => [c.column, c.drifted])).toEqual([
      ['the "amount"', true],
      ["it's", false],
    ]);
  });

  it('snapshots to Parquet under a quoted target and reads back the same rows and columns', async () => {
    const target = path.join(dir, `snap 'x'.parquet`);
    await toParquet([a, b], 'csv', target);
    const back = await checkDrift(target, target);
    expect(back.reference.rows).toBe(400);
    expect(back.columns.map((c) => c.column).sort()).toEqual(['id', "it's", 'the "amount"']);
  });

  it('validation facts over several quoted files check quoted columns', async () => {
    const suite = { name: 'q', expectations: [{ expect: 'between' as const, column: 'the "amount"', min: 0, max: 100 }, { expect: 'in_set' as const, column: "it's", values: ['a'] }, { expect: 'unique' as const, column: 'the "amount"' }] };
    const result = await runSuite(suite, duckdbFactSource({ label: dir, files: [a, b], format: 'csv' }));
    expect(result.rowCount).toBe(400);
    // Above 100: the second file's amounts 101…149, each of the 50 values seen 4 times.
    const above = Array.from({ length: 200 }, (_, i) => (i % 50) + 100).filter((v) => v > 100).length;
    expect(result.results.map((r) => [r.expect, r.success, r.unexpectedCount])).toEqual([
      ['between', false, above],
      ['in_set', false, 200],
      ['unique', false, 400],
    ]);
  });
});
