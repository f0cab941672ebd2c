import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvToParquet } from '../../test/parquet.js';
import { seededRandom } from '../../test/random.js';
import { ThreadlineError } from '../errors.js';
import { chooseDriftTest, numericDrift, type DriftTestName } from '../stats/index.js';
import { checkDrift, numericDriftSorted, parseTestName, unionDistinct } from './drift-check.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-drift-check-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const normal = (u: () => number) => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

/** `shifted` moves by one standard deviation in current; `steady`, `city` and `flag` keep their distribution. */
function writeCsv(name: string, rows: number, seed: number, shift: number): string {
  const u = seededRandom(seed);
  const lines = ['shifted,steady,city,flag'];
  for (let i = 0; i < rows; i++) {
    lines.push([(normal(u) + shift).toFixed(6), (10 + 2 * normal(u)).toFixed(6), ['paris', 'lyon', 'nice'][Math.floor(u() * 3)], u() < 0.3].join(','));
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function refusal(promise: Promise<unknown>): Promise<ThreadlineError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ThreadlineError);
  expect((error as ThreadlineError).code).toBe('INVALID_ARGUMENT');
  return error as ThreadlineError;
}

describe.each([
  { rows: 600, numericTest: 'ks', labelTest: 'chisquare', flagTest: 'z' },
  { rows: 3000, numericTest: 'wasserstein', labelTest: 'jensenshannon', flagTest: 'jensenshannon' },
])('checkDrift on $rows rows', ({ rows, numericTest, labelTest, flagTest }) => {
  it('flags the shifted column only, with the test src/stats chooses for its type and size', async () => {
    const reference = writeCsv(`ref-${rows}.csv`, rows, 1, 0);
    const current = writeCsv(`cur-${rows}.csv`, rows, 2, 1);
    const result = await checkDrift(reference, current);
    const byName = Object.fromEntries(result.columns.map((c) => [c.column, c]));
    expect(Object.keys(byName).sort()).toEqual(['city', 'flag', 'shifted', 'steady']);
    expect(result.columns[0]!.column).toBe('shifted'); // drifted first
    expect(byName.shifted!.drifted).toBe(true);
    for (const name of ['steady', 'city', 'flag']) expect(byName[name]!.drifted, name).toBe(false);
    expect(byName.shifted!.test).toBe(numericTest);
    expect(byName.steady!.test).toBe(chooseDriftTest('numeric', rows, byName.steady!.reference.distinct!).test);
    expect(byName.city!.test).toBe(labelTest);
    expect(byName.flag!.kind).toBe('binary');
    expect(byName.flag!.test).toBe(flagTest);
    expect(result.dataset).toMatchObject({ driftedCount: 1, columnCount: 4, share: 0.25, drifted: false, driftShare: 0.5 });
    expect(result.reference.rows).toBe(rows);
    // Profiles: the shift shows in the means, counts are the rows.
    expect(byName.shifted!.current.mean! - byName.shifted!.reference.mean!).toBeGreaterThan(0.8);
    expect(byName.city!.reference.count).toBe(rows);
    // Histograms: same bins for both samples, every value counted once.
    const h = byName.shifted!.histogram;
    expect(h.reference.length).toBe(h.current.length);
    expect(h.reference.reduce((s, c) => s + c, 0)).toBe(rows);
    expect(h.current.reduce((s, c) => s + c, 0)).toBe(rows);
  });

  it('reads Parquet to the same result as CSV', async () => {
    const reference = writeCsv(`pref-${rows}.csv`, rows, 3, 0);
    const current = writeCsv(`pcur-${rows}.csv`, rows, 4, 1);
    const fromCsv = await checkDrift(reference, current);
    const fromParquet = await checkDrift(await csvToParquet(reference), await csvToParquet(current));
    expect(fromParquet.reference.format).toBe('parquet');
    expect(fromParquet.columns.map((c) => [c.column, c.test, c.score, c.drifted])).toEqual(fromCsv.columns.map((c) => [c.column, c.test, c.score, c.drifted]));
  });
});

describe('checkDrift options', () => {
  const reference = writeCsv('opt-ref.csv', 800, 5, 0);
  const current = writeCsv('opt-cur.csv', 800, 6, 1);

  it('applies a named test and threshold to every column; --columns restricts', async () => {
    const result = await checkDrift(reference, current, { test: 'psi', threshold: 0.2, columns: ['steady', 'shifted'] });
    expect(result.columns.map((c) => c.column).sort()).toEqual(['shifted', 'steady']);
    for (const c of result.columns) expect([c.test, c.threshold, c.scoreKind]).toEqual(['psi', 0.2, 'distance']);
    expect(result.columns.find((c) => c.column === 'shifted')!.drifted).toBe(true);
  });

  it('judges the dataset by the drift share', async () => {
    expect((await checkDrift(reference, current, { driftShare: 0.25 })).dataset.drifted).toBe(true);
    expect((await checkDrift(reference, current, { driftShare: 0.3 })).dataset.drifted).toBe(false);
  });

  it('refuses a numbers-only test on a text column', async () => {
    const error = await refusal(checkDrift(reference, current, { test: 'ks' }));
    expect(error.message).toContain("'city'");
  });

  it('maps the CLI test names', () => {
    expect(parseTestName('chi2')).toBe('chisquare');
    expect(parseTestName('JensenShannon')).toBe('jensenshannon');
    expect(() => parseTestName('anova')).toThrow(/unknown drift test/);
  });
});

describe('garbage in, one clear refusal out', () => {
  const good = writeCsv('good.csv', 50, 7, 0);
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  it.each([
    ['a missing file', () => path.join(dir, 'nope.csv'), /not found/],
    ['an empty file', () => write('empty.csv', ''), /empty/],
    ['a header without rows', () => write('header.csv', 'shifted,steady,city,flag\n'), /no rows/],
    ['binary junk named .parquet', () => write('junk.parquet', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), /cannot read current/],
    ['binary junk named .csv', () => write('junk.csv', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))), /./],
    ['other columns', () => write('other.csv', 'a,b\n1,2\n3,4\n'), /different columns/],
    ['an unknown suffix', () => write('data.xlsx', 'x'), /unknown format/],
  ])('%s', async (_what, make, message) => {
    const error = await refusal(checkDrift(good, make()));
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('a column numeric in one file and text in the other', async () => {
    const text = write('text.csv', 'shifted,steady,city,flag\nhigh,1,paris,true\nlow,2,lyon,false\n');
    expect((await refusal(checkDrift(good, text))).message).toMatch(/'shifted' is DOUBLE in reference but VARCHAR in current/);
  });

  it('missing values are counted, not compared', async () => {
    const holes = write('holes.csv', 'shifted,steady,city,flag\n,1,,true\n0.5,,lyon,\n1.5,3,nice,false\n');
    const result = await checkDrift(holes, holes);
    const shifted = result.columns.find((c) => c.column === 'shifted')!;
    expect([shifted.reference.count, shifted.reference.missing]).toEqual([2, 1]);
    expect(result.columns.find((c) => c.column === 'city')!.reference).toMatchObject({ count: 2, missing: 1 });
  });
});

describe('numericDriftSorted agrees with src/stats numericDrift', () => {
  const u = seededRandom(11);
  const samples = {
    continuous: [Array.from({ length: 1500 }, () => normal(u)), Array.from({ length: 1200 }, () => normal(u) + 0.1)],
    small: [Array.from({ length: 300 }, () => normal(u)), Array.from({ length: 250 }, () => normal(u) * 1.3)],
    fourValues: [Array.from({ length: 2000 }, () => Math.floor(u() * 4)), Array.from({ length: 1800 }, () => Math.floor(u() * u() * 4))],
    threeSmall: [Array.from({ length: 400 }, () => Math.floor(u() * 3)), Array.from({ length: 400 }, () => Math.floor(u() * 3))],
    fifteenValues: [Array.from({ length: 3000 }, () => Math.floor(u() * 15) / 2), Array.from({ length: 3000 }, () => Math.floor(u() * 14) / 2)],
    binary: [Array.from({ length: 500 }, () => (u() < 0.4 ? 1 : 0)), Array.from({ length: 500 }, () => (u() < 0.5 ? 1 : 0))],
  };
  const tests: (DriftTestName | 'auto')[] = ['auto', 'ks', 'wasserstein', 'jensenshannon', 'psi', 'chisquare', 'z'];
  for (const [name, [ref, cur]] of Object.entries(samples)) {
    it.each(tests)(`${name}, test %s`, (test) => {
      const sorted = (xs: number[]) => Float64Array.from(xs).sort();
      const ours = numericDriftSorted(name, sorted(ref!), sorted(cur!), test);
      expect(ours).toEqual(numericDrift(name, ref!, cur!, { test }));
    });
  }

  it('unionDistinct counts the distinct values of both sorted samples', () => {
    expect(unionDistinct(Float64Array.of(1, 1, 2, 5), Float64Array.of(0, 2, 2, 7))).toBe(5);
    expect(unionDistinct(new Float64Array(0), Float64Array.of(3, 3))).toBe(1);
    const many = Float64Array.from({ length: 100 }, (_, i) => i);
    expect(unionDistinct(many, many, 6)).toBe(7); // past the cap: enough to know "more than 6"
    expect(unionDistinct(many, many)).toBe(100);
  });
});
