import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cliNodeArgs, makeGitRepo, runCli } from './cli.js';

const exec = promisify(execFile);
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
// ANSI cursor and erase sequences of the redraws; the bar's own text is what is checked.
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');

/**
 * Progress on a terminal (issue 12): `script` from util-linux gives the CLI a real pseudo-terminal
 * on stdout and stderr; the same command in a pipe, or with --json, prints no progress at all.
 */
describe('progress of long work', () => {
  const repo = makeGitRepo({ 'train.py': 'print(1)\n' });
  // Zeros hash at about 1 GB/s here: 1.2 GB lasts past the 300 ms before a bar is shown.
  const big = path.join(repo, 'orders.bin');
  fs.writeFileSync(path.join(repo, '.gitignore'), 'orders.bin\n');
  const fd = fs.openSync(big, 'w');
  const chunk = Buffer.alloc(64 << 20);
  for (let i = 0; i < 18; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);

  it('draws bytes, total, rate and ETA while hashing an input on a terminal', { timeout: 120_000 }, async () => {
    const command = [process.execPath, ...cliNodeArgs(), 'run', '--input', big, '--', 'true'].map(quote).join(' ');
    const { stdout } = await exec('script', ['-qec', command, '/dev/null'], { cwd: repo, env: { ...process.env, THREADLINE_HOME: path.join(repo, '.tl-tty') }, maxBuffer: 64 << 20 });
    const frames = plain(stdout).split('\r').filter((f) => f.includes('hashing orders.bin'));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.at(-1)).toMatch(/hashing orders\.bin +[█░]+ +\d+% +[\d.]+ [KMG]iB \/ 1\.1 GiB +[\d.]+ [KMG]iB\/s/);
    expect(stdout).toMatch(/finished \(exit 0\)/);
  });

  it('draws how far a validation scan is, from DuckDB\'s own estimate', { timeout: 120_000 }, async () => {
    // 4 M rows and eight regex checks: a scan of about a second on an idle machine here.
    const csv = path.join(repo, 'customers.csv');
    const block = Array.from({ length: 100_000 }, (_, i) => `c${String(i % 10_000).padStart(4, '0')}`).join('\n') + '\n';
    fs.writeFileSync(csv, 'customer\n' + block.repeat(40));
    const checks = Array.from({ length: 8 }, (_, i) => `  - { expect: regex, column: customer, pattern: "^c[0-9]{3}[0-${i + 1}]?[0-9]?$" }`);
    const suite = path.join(repo, 'customers.yaml');
    fs.writeFileSync(suite, ['name: customers', 'expectations:', ...checks, ''].join('\n'));
    const command = [process.execPath, ...cliNodeArgs(), 'validate', csv, '--suite', suite, '--no-record'].map(quote).join(' ');
    const { stdout } = await exec('script', ['-qec', command, '/dev/null'], { cwd: repo, env: { ...process.env, THREADLINE_HOME: path.join(repo, '.tl-validate') }, maxBuffer: 64 << 20 }).catch((error: { stdout: string }) => error);
    const frames = plain(stdout).split('\r').filter((f) => f.includes('validating'));
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.at(-1)).toMatch(/validating \S*customers\.csv +[█░]+ +\d+%/);
    expect(stdout).toMatch(/4,000,000 rows/);
    fs.rmSync(csv);
  });

  it('prints none in a pipe, nor with --json', { timeout: 120_000 }, async () => {
    const piped = await runCli(['run', '--input', big, '--', 'true'], { cwd: repo, env: { THREADLINE_HOME: path.join(repo, '.tl-pipe') } });
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toMatch(/hashing|█/);
    const command = [process.execPath, ...cliNodeArgs(), 'run', '--json', '--input', big, '--', 'true'].map(quote).join(' ');
    const { stdout } = await exec('script', ['-qec', command, '/dev/null'], { cwd: repo, env: { ...process.env, THREADLINE_HOME: path.join(repo, '.tl-json') }, maxBuffer: 64 << 20 });
    expect(stdout).not.toMatch(/hashing|█/);
  });
});
