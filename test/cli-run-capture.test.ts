import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, runCli, sha256sum } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';

/** A repository as a new user has one: no .gitignore, nothing about Threadline. */
function freshRepo(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-fresh-')));
  fs.writeFileSync(path.join(dir, 'train.py'), 'print("train")\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'first');
  return dir;
}

const orders = 'order_id,item\n1,a\n2,b\n3,c\n';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe.each(dialects)('threadline run in a fresh repository with the default home, on %s', (dialect) => {
  it('gives a clean run whose patch holds no Threadline file; capture time is in the run; the input is found by its own digest', async () => {
    const repo = freshRepo();
    // SQLite: the default database inside ./.threadline. PostgreSQL: only the artifacts are there.
    const cliEnv: Record<string, string> = { THREADLINE_URL: '', ...(dialect === 'postgres' && { THREADLINE_DB_URL: await freshDatabaseUrl(dialect) }) };
    expect(process.env.THREADLINE_HOME).toBeUndefined();

    const first = await runCli(['run', '--', 'true'], { cwd: repo, env: cliEnv });
    expect(first.code, first.stderr).toBe(0);
    expect(fs.readFileSync(path.join(repo, '.threadline/.gitignore'), 'utf8')).toMatch(/^\*$/m);
    expect(git(repo, 'status', '--porcelain')).toBe('');

    // An untracked data file declared as input, untracked files over the cap, a .env: still no code change.
    fs.writeFileSync(path.join(repo, 'orders.csv'), orders);
    fs.writeFileSync(path.join(repo, 'orders.csv.dvc'), `outs:\n- md5: ${md5(orders)}\n  size: ${orders.length}\n  path: orders.csv\n`);
    git(repo, 'add', 'orders.csv.dvc');
    git(repo, 'commit', '-qm', 'dvc pointer');
    const big = Buffer.alloc(2 * 1024 * 1024, 'x');
    fs.writeFileSync(path.join(repo, 'big.parquet'), big);
    fs.writeFileSync(path.join(repo, '.env'), 'DB_PASS=n0t-in-any-patch\n');
    fs.writeFileSync(path.join(repo, 'notes.md'), 'part of the code\n');
    let capturing = 0;
    const second = await runCli(['run', '--input', 'orders.csv', '--json', '--', 'node', '-e', 'setTimeout(() => {}, 300)'], {
      cwd: repo,
      env: cliEnv,
      onStderr: (text) => {
        if (!capturing && text.includes('capturing')) capturing = Date.now();
      },
    });
    expect(second.code, second.stderr).toBe(0);
    const warnings = second.stderr.split('\n').filter((l) => l.includes('warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('big.parquet (2.0 MiB)');
    expect(warnings[0]).toContain('.env');
    expect(warnings[0]).not.toContain('orders.csv');
    const runId = JSON.parse(second.stdout).runId as string;

    const show = JSON.parse((await runCli(['runs', 'show', runId, '--json'], { cwd: repo, env: cliEnv })).stdout);
    expect(show.code).toMatchObject({ dirty: true });
    expect(show.code.omitted).toEqual([
      { path: '.env', reason: 'secret' },
      { path: 'big.parquet', reason: 'too-large', size: big.length, digest: `sha256:${createHash('sha256').update(big).digest('hex')}` },
    ]);
    const patch = fs.readFileSync(blobPath(repo, show.code.patchDigest), 'latin1');
    expect(patch).toContain('notes.md');
    for (const absent of ['.threadline', 'threadline.db', 'orders.csv', 'big.parquet', 'n0t-in-any-patch']) expect(patch).not.toContain(absent);
    // The run started before its capture did, so the capture is in its duration.
    expect(capturing).toBeGreaterThan(0);
    expect(show.info.startTime).toBeLessThanOrEqual(capturing);
    expect(show.io).toEqual([
      {
        direction: 'input',
        kind: 'data',
        name: 'orders.csv',
        ref: expect.stringMatching(/^sha256:/),
        manifest: [{ path: 'orders.csv', size: orders.length, digest: sha256sum(path.join(repo, 'orders.csv')), dvcMd5: md5(orders) }],
      },
    ]);

    for (const id of [sha256sum(path.join(repo, 'orders.csv')), `md5:${md5(orders)}`]) {
      const trace = await runCli(['trace', id, '--json'], { cwd: repo, env: cliEnv });
      expect(trace.code, trace.stderr).toBe(0);
      expect(JSON.parse(trace.stdout).start).toEqual({ type: 'data', id: show.io[0].ref });
    }
  }, 300_000);
});

describe('declared paths that are symlinks out of the repository', () => {
  it('refuses --output and --input links to outside, with one line, recording nothing', async () => {
    const repo = freshRepo();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-outside-'));
    fs.writeFileSync(path.join(outside, 'id_rsa'), 'private\n');
    fs.symlinkSync(outside, path.join(repo, 'model'));
    fs.symlinkSync(path.join(outside, 'id_rsa'), path.join(repo, 'data.csv'));
    fs.mkdirSync(path.join(repo, 'inside'));
    fs.symlinkSync(path.join(repo, 'inside'), path.join(repo, 'alias'));
    const env = { THREADLINE_URL: '', THREADLINE_HOME: path.join(repo, '.threadline') };
    for (const [flag, name] of [['--output', 'model'], ['--input', 'data.csv']] as const) {
      const result = await runCli(['run', flag, name, '--', 'true'], { cwd: repo, env });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`threadline: ${flag} ${name} is a symlink to ${fs.realpathSync(outside)}`);
      expect(result.stderr).toContain('(INVALID_ARGUMENT)');
    }
    expect(JSON.parse((await runCli(['runs', 'list', '--json'], { cwd: repo, env })).stdout)).toEqual([]);
    // A link that stays inside the repository is fine.
    const ok = await runCli(['run', '--output', 'alias', '--', 'true'], { cwd: repo, env });
    expect(ok.code, ok.stderr).toBe(0);
  }, 300_000);
});

function blobPath(repo: string, digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return path.join(repo, '.threadline/artifacts/sha256', hex.slice(0, 2), hex);
}
