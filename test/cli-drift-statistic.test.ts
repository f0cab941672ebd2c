import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-drift-statistic-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Deterministic rows (LCG): `amount` shifts in current; `city` (3 values) and `member` (2) change their mix. */
function writeCsv(name: string, rows: number, seed: number, shift: number, bias: number): string {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const lines = ['amount,city,member'];
  for (let i = 0; i < rows; i++) {
    const u = next();
    lines.push(`${(next() * 10 + shift).toFixed(4)},${u < 0.4 + bias ? 'paris' : u < 0.7 ? 'lyon' : 'nice'},${next() < 0.5 + bias ? 'yes' : 'no'}`);
  }
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** What scipy says of the same two files: ks_2samp, chi2_contingency, and the pooled two-proportion z on scipy.stats.norm. */
function scipyOf(reference: string, current: string) {
  const script = `
import csv, json, sys
import numpy as np
from scipy import stats
def read(f):
    rows = list(csv.DictReader(open(f)))
    return [float(r['amount']) for r in rows], [r['city'] for r in rows], [r['member'] for r in rows]
(ra, rc, rm), (ca, cc, cm) = read(sys.argv[1]), read(sys.argv[2])
ks = stats.ks_2samp(ra, ca)
cats = sorted(set(rc) | set(cc))
chi = stats.chi2_contingency([[rc.count(c) for c in cats], [cc.count(c) for c in cats]])
# The first value in sorted order counts as 0, the other as 1 (Evidently's z-test).
first = sorted(set(rm) | set(cm))[0]
k1, n1, k2, n2 = sum(v != first for v in rm), len(rm), sum(v != first for v in cm), len(cm)
P = (k1 + k2) / (n1 + n2)
z = (k1 / n1 - k2 / n2) / np.sqrt(P * (1 - P) * (1 / n1 + 1 / n2))
print(json.dumps({'amount': [ks.statistic, ks.pvalue], 'city': [chi.statistic, chi.pvalue], 'member': [z, 2 * stats.norm.sf(abs(z))],
                  'wasserstein': stats.wasserstein_distance(ra, ca) / max(float(np.std(ra)), 0.001)}))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, reference, current], { encoding: 'utf8' })) as Record<string, number[]> & { wasserstein: number };
}

describe('threadline drift --json', () => {
  it("reports each test's statistic beside its p-value, as scipy computes them", async () => {
    const reference = writeCsv('reference.csv', 400, 1, 0, 0);
    const current = writeCsv('current.csv', 300, 2, 0.8, 0.1);
    const expected = scipyOf(reference, current);
    const env = { THREADLINE_HOME: path.join(dir, '.threadline') };
    const result = await runCli(['drift', reference, current, '--json'], { cwd: dir, env });
    expect(result.code, result.stderr).toBe(0);
    type Column = { column: string; test: string; statistic: number; pvalue: number | null; score: number };
    const columns: Record<string, Column> = Object.fromEntries((JSON.parse(result.stdout).columns as Column[]).map((c) => [c.column, c]));
    expect([columns.amount!.test, columns.city!.test, columns.member!.test]).toEqual(['ks', 'chisquare', 'z']);
    for (const name of ['amount', 'city', 'member']) {
      const [statistic, pvalue] = expected[name]!;
      const got = columns[name]!;
      expect(Math.abs(got.statistic - statistic!), `${name} statistic ${got.statistic} vs scipy ${statistic}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(statistic!)));
      expect(Math.abs(got.pvalue! - pvalue!), `${name} p-value ${got.pvalue} vs scipy ${pvalue}`).toBeLessThan(1e-9);
      expect(got.score).toBe(got.pvalue);
    }
    // A distance is its own statistic and has no p-value.
    const distance = await runCli(['drift', reference, current, '--json', '--test', 'wasserstein', '--columns', 'amount'], { cwd: dir, env });
    const [amount] = JSON.parse(distance.stdout).columns;
    expect(amount).toMatchObject({ test: 'wasserstein', pvalue: null });
    expect(amount.statistic).toBe(amount.score);
    expect(Math.abs(amount.statistic - expected.wasserstein)).toBeLessThan(1e-9);
  }, 120_000);
});
