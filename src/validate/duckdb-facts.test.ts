import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { planFacts, runSuite } from './evaluate.js';
import type { FactPlan } from './facts.js';
import type { Suite } from './types.js';
import { computeValidationFacts, duckdbFactSource, tabularSource } from './duckdb-facts.js';

/** A deterministic table, kept in JS so the expected facts are computed here, not by DuckDB. */
interface Row {
  id: number;
  amount: number | null;
  status: string;
  email: string;
  day: string;
}

function makeRows(n: number): Row[] {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const statuses = ['new', 'paid', 'shipped'];
  return Array.from({ length: n }, (_, i) => ({
    // Every 500th row repeats the previous id.
    id: i % 500 === 499 ? i - 1 : i,
    amount: i % 37 === 0 ? null : Math.round((rand() * 120 - 5) * 1000) / 1000,
    status: i % 97 === 0 ? 'lost' : i % 211 === 0 ? 'void' : statuses[Math.floor(rand() * 3)]!,
    email: i % 53 === 0 ? `user${i}-at-example` : `user${String.fromCharCode(97 + (i % 26))}@example.com`,
    day: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}`,
  }));
}

const rows = makeRows(5000);
let dir: string;

const suite: Suite = {
  name: 'orders',
  expectations: [
    { expect: 'between', column: 'amount', min: 0, max: 100 },
    { expect: 'in_set', column: 'status', values: ['new', 'paid', 'shipped'] },
    { expect: 'regex', column: 'email', pattern: '[a-z]+@[a-z]+\\.com' },
    { expect: 'unique', column: 'id' },
    { expect: 'mean_between', column: 'amount', min: 0 },
    { expect: 'std_between', column: 'amount', min: 0 },
    { expect: 'min_between', column: 'amount', min: -100 },
    { expect: 'max_between', column: 'day', max: '2026-12-31' },
    { expect: 'distinct_count_between', column: 'status', min: 1 },
    { expect: 'between', column: 'day', min: '2026-01-02', max: '2026-01-27', strictMax: true },
    { expect: 'not_null', column: 'ghost' },
  ],
};

/** What the facts must be, from the JS rows. */
function expected() {
  const amounts = rows.map((r) => r.amount).filter((a): a is number => a !== null);
  const mean = amounts.reduce((s, a) => s + a, 0) / amounts.length;
  const std = Math.sqrt(amounts.reduce((s, a) => s + (a - mean) ** 2, 0) / (amounts.length - 1));
  const idCounts = new Map<number, number>();
  for (const r of rows) idCounts.set(r.id, (idCounts.get(r.id) ?? 0) + 1);
  const outOfRange = amounts.filter((a) => a < 0 || a > 100);
  const badStatus = rows.filter((r) => !['new', 'paid', 'shipped'].includes(r.status));
  const badEmail = rows.filter((r) => !/^[a-z]+@[a-z]+\.com$/.test(r.email));
  const badDay = rows.filter((r) => r.day < '2026-01-02' || r.day >= '2026-01-27');
  return {
    nonNullAmount: amounts.length,
    mean,
    std,
    min: Math.min(...amounts),
    maxDay: rows.map((r) => r.day).sort().at(-1),
    distinctStatus: new Set(rows.map((r) => r.status)).size,
    outOfRange,
    badStatus: badStatus.map((r) => r.status),
    badEmail: badEmail.map((r) => r.email),
    badDay: badDay.length,
    duplicateRows: [...idCounts.values()].filter((c) => c > 1).reduce((s, c) => s + c, 0),
    duplicatedIds: [...idCounts].filter(([, c]) => c > 1).map(([id]) => id),
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-vfacts-'));
  const csv = ['id,amount,status,email,day', ...rows.map((r) => `${r.id},${r.amount ?? ''},${r.status},${r.email},${r.day}`)].join('\n') + '\n';
  fs.writeFileSync(path.join(dir, 'orders.csv'), csv);
  fs.writeFileSync(path.join(dir, 'orders.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const target = path.join(dir, 'orders.parquet').replace(/'/g, "''");
  await connection.run(`COPY (SELECT * FROM read_csv_auto('${path.join(dir, 'orders.csv').replace(/'/g, "''")}')) TO '${target}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  // Two halves in a folder, read as one table.
  fs.mkdirSync(path.join(dir, 'parts'));
  const lines = csv.trimEnd().split('\n');
  fs.writeFileSync(path.join(dir, 'parts/a.csv'), [lines[0], ...lines.slice(1, 2501)].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'parts/b.csv'), [lines[0], ...lines.slice(2501)].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'empty.csv'), '');
  fs.writeFileSync(path.join(dir, 'garbage.parquet'), 'this is not parquet at all');
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
});

describe.each(['orders.csv', 'orders.jsonl', 'orders.parquet', 'parts'])('validation facts of %s', (file) => {
  it('match the values computed independently from the rows', async () => {
    const want = expected();
    const plan: FactPlan = planFacts(suite, 3);
    const facts = await computeValidationFacts(await tabularSource(path.join(dir, file)), plan);
    expect(facts.rowCount).toBe(rows.length);
    expect(facts.schema.map((c) => c.name)).toEqual(['id', 'amount', 'status', 'email', 'day']);
    expect(facts.schema.find((c) => c.name === 'day')!.type).toBe('DATE');
    expect(facts.columns.amount!.nonNull).toBe(want.nonNullAmount);
    expect(facts.columns.amount!.mean).toBeCloseTo(want.mean, 9);
    expect(facts.columns.amount!.std).toBeCloseTo(want.std, 9);
    expect(facts.columns.amount!.min).toBe(want.min);
    expect(facts.columns.day!.max).toBe(want.maxDay);
    expect(facts.columns.status!.distinct).toBe(want.distinctStatus);
    expect(facts.columns.id!.duplicates!.count).toBe(want.duplicateRows);
    expect(facts.columns.id!.duplicates!.examples).toHaveLength(3);
    for (const id of facts.columns.id!.duplicates!.examples) expect(want.duplicatedIds).toContain(id);
    expect(facts.columns.ghost).toBeUndefined();

    expect(facts.unexpected.e0!.count).toBe(want.outOfRange.length);
    expect(facts.unexpected.e0!.examples).toHaveLength(3);
    for (const v of facts.unexpected.e0!.examples) expect(want.outOfRange).toContain(v);
    expect(facts.unexpected.e1!.count).toBe(want.badStatus.length);
    // The most frequent unexpected value first: 'lost' (every 97th row) before 'void' (every 211th).
    expect(facts.unexpected.e1!.examples).toEqual(['lost', 'void']);
    expect(facts.unexpected.e2!.count).toBe(want.badEmail.length);
    for (const v of facts.unexpected.e2!.examples) expect(want.badEmail).toContain(v);
    expect(facts.unexpected.e9!.count).toBe(want.badDay);
  });
});

describe('validation through DuckDB', () => {
  it('runs a whole suite: verdict, counts and the missing column as an error', async () => {
    const want = expected();
    const result = await runSuite(suite, duckdbFactSource(await tabularSource('orders.parquet', dir)));
    expect(result.rowCount).toBe(rows.length);
    expect(result.results.map((r) => r.success)).toEqual([false, false, false, false, true, true, true, true, true, false, false]);
    expect(result.results[0]).toMatchObject({ elementCount: want.nonNullAmount, unexpectedCount: want.outOfRange.length });
    expect(result.results[0]!.unexpectedPercent).toBeCloseTo((100 * want.outOfRange.length) / want.nonNullAmount, 12);
    expect(result.results[10]!.error).toMatch(/column 'ghost' not found/);
    expect(result.success).toBe(false);
  });

  it('passes with mostly when the failing share is small enough', async () => {
    const want = expected();
    const share = 1 - want.badStatus.length / rows.length;
    const source = duckdbFactSource(await tabularSource(path.join(dir, 'orders.csv')));
    const ok = await runSuite({ name: 'm', expectations: [{ expect: 'in_set', column: 'status', values: ['new', 'paid', 'shipped'], mostly: share }] }, source);
    expect(ok.success).toBe(true);
    const strict = await runSuite({ name: 'm', expectations: [{ expect: 'in_set', column: 'status', values: ['new', 'paid', 'shipped'], mostly: share + 0.001 }] }, source);
    expect(strict.success).toBe(false);
  });

  it('compares numbers in a set as numbers and reads set values of a number column', async () => {
    const source = duckdbFactSource(await tabularSource(path.join(dir, 'orders.csv')));
    const result = await runSuite({ name: 'n', expectations: [{ expect: 'in_set', column: 'id', values: ['0', 1, 2.0] }] }, source);
    expect(result.results[0]!.unexpectedCount).toBe(rows.filter((r) => r.id > 2).length);
  });

  it.each([
    ['empty.csv', /the file is empty/],
    ['garbage.parquet', /cannot read .*garbage\.parquet as parquet/],
    ['notes.txt', /no CSV, Parquet or JSONL files/],
    ['nowhere.csv', /no data at .*nowhere\.csv/],
  ])('refuses %s with a clear INVALID_ARGUMENT', async (file, message) => {
    const error = await tabularSource(path.join(dir, file))
      .then((source) => computeValidationFacts(source, planFacts(suite)))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((error as Error).message).toMatch(message);
  });

  it('reads a glob, odd column names, and a header-only file (no rows: row-level checks pass, row count fails)', async () => {
    fs.mkdirSync(path.join(dir, 'odd'));
    fs.writeFileSync(path.join(dir, 'odd/1.csv'), 'say "hi",a b\nx,1\ny,2\n');
    fs.writeFileSync(path.join(dir, 'odd/2.csv'), 'say "hi",a b\nz,30\n');
    const odd: Suite = { name: 'o', expectations: [{ expect: 'in_set', column: 'say "hi"', values: ['x', 'y'] }, { expect: 'max_between', column: 'a b', max: 30 }] };
    const result = await runSuite(odd, duckdbFactSource(await tabularSource('odd/*.csv', dir)));
    expect(result.rowCount).toBe(3);
    expect(result.results[0]).toMatchObject({ success: false, unexpectedCount: 1, unexpectedExamples: ['z'] });
    expect(result.results[1]).toMatchObject({ success: true, observed: 30 });

    fs.writeFileSync(path.join(dir, 'header-only.csv'), 'id,amount\n');
    const empty = await runSuite(
      { name: 'e', expectations: [{ expect: 'between', column: 'amount', min: 0 }, { expect: 'not_null', column: 'id' }, { expect: 'row_count_between', min: 1 }] },
      duckdbFactSource(await tabularSource(path.join(dir, 'header-only.csv'))),
    );
    expect(empty.rowCount).toBe(0);
    expect(empty.results.map((r) => r.success)).toEqual([true, true, false]);
  });

  it('names the expectation whose regex or date bound is bad', async () => {
    const source = await tabularSource(path.join(dir, 'orders.csv'));
    const badRegex: Suite = { name: 'b', expectations: [{ expect: 'not_null', column: 'id' }, { expect: 'regex', column: 'email', pattern: '(unclosed' }] };
    await expect(computeValidationFacts(source, planFacts(badRegex))).rejects.toThrow(/expectations\[1\] \(column 'email'\): pattern \/\(unclosed\/ is not a valid regular expression/);
    const badDate: Suite = { name: 'b', expectations: [{ expect: 'between', column: 'day', min: 'yesterday' }] };
    await expect(computeValidationFacts(source, planFacts(badDate))).rejects.toThrow(/expectations\[0\] \(column 'day'\): bound 'yesterday' is not a DATE/);
  });
});
