import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { csvToParquet } from './parquet.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-cli-drift-'));
const cwd = dir;
const env = { THREADLINE_HOME: path.join(dir, '.threadline') };
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Deterministic rows (LCG): `price` moves up by 3 in current; `qty` and `shop` keep their distribution. */
function writeCsv(name: string, rows: number, seed: number, shift: number): string {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ['price,qty,shop'];
  for (let i = 0; i < rows; i++) lines.push(`${(next() * 10 + shift).toFixed(4)},${(next() * 100).toFixed(3)},${['north', 'south', 'east'][Math.floor(next() * 3)]}`);
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

let reference: string;
let current: string;
beforeAll(() => {
  reference = writeCsv('reference.csv', 1500, 1, 0);
  current = writeCsv('current.csv', 1500, 2, 3);
});

describe('threadline drift', () => {
  it('prints a table with the shifted column drifted and the verdict; exit 0 despite drift', async () => {
    const r = await runCli(['drift', reference, current], { cwd, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^COLUMN\s+TYPE\s+TEST\s+SCORE\s+THRESHOLD\s+DRIFT$/);
    const rows = Object.fromEntries(lines.slice(1, 4).map((l) => l.split(/\s+/)).map((cells) => [cells[0], cells]));
    expect(rows.price).toEqual(['price', 'DOUBLE', 'wasserstein', expect.any(String), '0.1', 'yes']);
    expect(rows.qty![5]).toBe('no');
    expect(rows.shop!.slice(1, 3)).toEqual(['VARCHAR', 'jensenshannon']);
    expect(rows.shop![5]).toBe('no');
    expect(lines[1]!.startsWith('price')).toBe(true); // drifted first
    expect(lines.at(-1)).toBe('dataset drift: no (1 of 3 columns, 33%; threshold 50%)');
  });

  it('--json prints the result object and --report writes the HTML, its path on stderr', async () => {
    const report = path.join(dir, 'out', 'report.html');
    fs.mkdirSync(path.dirname(report));
    const r = await runCli(['drift', reference, current, '--json', '--report', report, '--test', 'ks', '--threshold', '0.01', '--columns', 'price,qty'], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(`threadline: report written to ${report}`);
    const result = JSON.parse(r.stdout) as { columns: { column: string; test: string; threshold: number; drifted: boolean; score: number }[]; dataset: { driftedCount: number; columnCount: number; drifted: boolean } };
    expect(result.columns.map((c) => [c.column, c.test, c.threshold, c.drifted])).toEqual([
      ['price', 'ks', 0.01, true],
      ['qty', 'ks', 0.01, false],
    ]);
    expect(result.dataset).toMatchObject({ driftedCount: 1, columnCount: 2, drifted: true });
    const html = fs.readFileSync(report, 'utf8');
    expect(html.match(/<svg[\s>]/g)?.length).toBe(2);
    expect(html).toContain('Dataset drift detected');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('reads Parquet and exits 1 on dataset drift only with --fail-on-drift', async () => {
    const ref = await csvToParquet(reference);
    const cur = await csvToParquet(current);
    const failing = await runCli(['drift', ref, cur, '--fail-on-drift', '--drift-share', '0.3'], { cwd, env });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('dataset drift: yes (1 of 3 columns, 33%; threshold 30%)');
    const same = await runCli(['drift', ref, ref, '--fail-on-drift', '--json'], { cwd, env });
    expect(same.code).toBe(0);
    expect((JSON.parse(same.stdout) as { dataset: { driftedCount: number } }).dataset.driftedCount).toBe(0);
  });

  it('threadline report drift --out writes the report', async () => {
    const out = path.join(dir, 'report-command.html');
    const r = await runCli(['report', 'drift', reference, current, '--out', out], { cwd, env });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(out);
    const html = fs.readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg[\s>]/g)?.length).toBe(3);
  });
});

describe('threadline drift refuses garbage with one line and exit 2', () => {
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const junk = Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + (i >> 3)) % 256));

  it.each([
    ['a missing file', () => path.join(dir, 'missing.csv'), /current not found: .*missing\.csv/],
    ['an empty file', () => write('empty.csv', ''), /current is empty/],
    ['binary junk as Parquet', () => write('junk.parquet', junk), /cannot read current .*junk\.parquet as parquet/],
    ['binary junk as CSV', () => write('junk.csv', junk), /cannot read current .*junk\.csv as csv/],
    ['other columns', () => write('other.csv', 'price,weight\n1,2\n'), /different columns \(only in reference: qty, shop; only in current: weight\)/],
    ['an unknown test', () => current, /unknown drift test 'anova'/],
  ])('%s', async (what, make, message) => {
    const args = ['drift', reference, make(), ...(what === 'an unknown test' ? ['--test', 'anova'] : [])];
    const r = await runCli(args, { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines.length, r.stderr).toBe(1);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toMatch(/\(INVALID_ARGUMENT\)$/);
  });
});
