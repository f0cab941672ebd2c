import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-bench-run-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(path.join(dir, 'fast.ts'), `console.log('fast: ours 10 ms, theirs 20 ms');\nconsole.log('BENCH_RESULT ' + JSON.stringify({ bench: 'fast', ratios: { 'theirs / ours': 2 } }));\n`);
fs.writeFileSync(path.join(dir, 'slow.ts'), `console.log('BENCH_RESULT {"bench":"slow","ratios":{"ours / floor p50":1.25,"ours / floor p95":3.5}}');\n`);
fs.writeFileSync(path.join(dir, 'broken.ts'), `process.exit(3);\n`);

const bench = (...names: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench/run.ts'), ...names], { cwd: repoRoot, env: { ...process.env, THREADLINE_BENCH_DIR: dir }, encoding: 'utf8' });

describe('npm run bench (bench/run.ts)', () => {
  it('runs the benchmarks named, passes their output through and ends with one table of their ratios', { timeout: 60_000 }, () => {
    const result = bench('fast', 'slow');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('fast: ours 10 ms, theirs 20 ms');
    const table = result.stdout.slice(result.stdout.indexOf('summary'));
    expect(table.split('\n').slice(1, 5).map((l) => l.split(/\s{2,}/))).toEqual([
      ['BENCH', 'RATIO', 'VALUE', 'STATUS'],
      ['fast', 'theirs / ours', '2.00', 'ok'],
      ['slow', 'ours / floor p50', '1.25', 'ok'],
      ['slow', 'ours / floor p95', '3.50', 'ok'],
    ]);
  });

  it('runs them all by default, says which failed, and refuses unknown names', { timeout: 60_000 }, () => {
    const all = bench();
    expect(all.status).toBe(1);
    expect(all.stdout).toMatch(/broken\s+\(no BENCH_RESULT line\)\s+-\s+exit 3/);
    expect(all.stdout).toContain('=== fast');
    const unknown = bench('nonesuch');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown benchmark(s): nonesuch; there are: broken, fast, slow');
  });

  it('lists every benchmark file of bench/ with a BENCH_RESULT line', () => {
    for (const file of fs.readdirSync(path.join(repoRoot, 'bench')).filter((f) => f.endsWith('.ts') && f !== 'run.ts' && f !== 'result.ts')) {
      expect(fs.readFileSync(path.join(repoRoot, 'bench', file), 'utf8'), file).toContain('printBenchResult(');
    }
    expect(execFileSync('node', ['-e', 'process.stdout.write(require("./package.json").scripts.bench)'], { cwd: repoRoot, encoding: 'utf8' })).toBe('node --import tsx bench/run.ts');
  });
});
