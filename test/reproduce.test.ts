import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/api/server.js';
import { openThreadline } from '../src/context.js';
import { edgesFrom } from '../src/lineage/edge-store.js';
import { git, makeGitRepo, runCli, sha256sum } from './cli.js';
import { freshDatabaseUrl } from './dialects.js';

// Deterministic unless NOISE is set: counts items in the orders, logs a loss, writes a model.
const trainScript = `
const fs = require('node:fs');
const VERSION = 1;
const url = process.env.THREADLINE_URL, run = process.env.THREADLINE_RUN_ID;
(async () => {
  const rows = fs.readFileSync('data/orders.csv', 'utf8').trim().split('\\n').slice(1);
  const counts = {};
  for (const row of rows) { const item = row.split(',')[1]; counts[item] = (counts[item] || 0) + 1; }
  const loss = 1 / rows.length + (process.env.NOISE ? Math.random() / 1000 : 0);
  const r = await fetch(url + '/api/runs/' + run + '/batch', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metrics: [{ key: 'loss', value: loss, timestamp: Date.now(), step: 0 }], params: [{ key: 'rows', value: String(rows.length) }] }) });
  if (!r.ok) throw new Error('log failed ' + r.status);
  fs.mkdirSync('model', { recursive: true });
  fs.writeFileSync('model/model.json', JSON.stringify({ version: VERSION, counts }));
})();
`;
const orders = 'order_id,item\n1,a\n2,b\n3,a\n';
const store = { region: 'us-east-1', forcePathStyle: true };

/** A repo with train.js; the data is committed, or gitignored and only in the work tree. */
async function setup(options: { dataCommitted?: boolean; dialect?: 'sqlite' | 'postgres' } = {}) {
  const files: Record<string, string> = { 'train.js': trainScript, '.gitignore': `.threadline/\nmodel/\n${options.dataCommitted ? '' : 'data/\n'}` };
  if (options.dataCommitted) files['data/orders.csv'] = orders;
  const repo = makeGitRepo(files);
  if (!options.dataCommitted) {
    fs.mkdirSync(path.join(repo, 'data'));
    fs.writeFileSync(path.join(repo, 'data/orders.csv'), orders);
  }
  const env = { THREADLINE_DB_URL: await freshDatabaseUrl(options.dialect ?? 'sqlite'), THREADLINE_HOME: path.join(repo, '.threadline'), THREADLINE_URL: '', NOISE: '' };
  return { repo, env };
}

async function train(repo: string, env: Record<string, string>): Promise<string> {
  const result = await runCli(['run', '-e', 'reco', '-n', 'nightly', '-i', 'data/orders.csv', '-o', 'model', '-p', 'k=5', '--', 'node', 'train.js'], { cwd: repo, env });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

async function inspect(env: Record<string, string>, repo: string, runId: string) {
  const tl = await openThreadline({ databaseUrl: env.THREADLINE_DB_URL!, artifactsUrl: path.join(repo, '.threadline/artifacts'), s3: store });
  try {
    return { run: await tl.runs.get(runId), edges: await edgesFrom(tl.store.db, { type: 'run', id: runId }) };
  } finally {
    await tl.close();
  }
}

const worktrees = (repo: string) => git(repo, 'worktree', 'list').split('\n').length;

describe('threadline reproduce', () => {
  it.each([
    ['gitignored', false],
    ['committed', true],
  ])('reproduces a clean run with %s data bit-identically, as a new run that reproduces the original', async (_, dataCommitted) => {
    const { repo, env } = await setup({ dataCommitted });
    const original = await train(repo, env);

    const result = await runCli(['reproduce', original.slice(0, 10), '--json'], { cwd: repo, env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.comparison).toMatchObject({ verdict: 'identical', params: [], metrics: [], artifacts: [], identicalArtifacts: 1, status: null });
    expect(report.inputs).toEqual([expect.objectContaining({ name: 'data/orders.csv', drift: [] })]);
    expect(report.code).toMatchObject({ source: 'worktree', patched: false, commitSha: git(repo, 'rev-parse', 'HEAD') });

    const { run, edges } = await inspect(env, repo, report.reproductionRunId);
    expect(run.info.name).toBe('reproduce of nightly');
    expect(run.tags['threadline.reproduces']).toBe(original);
    expect(run.params).toEqual({ k: '5', rows: '3' });
    expect(edges).toContainEqual({ from: { type: 'run', id: run.info.runId }, relation: 'reproduces', to: { type: 'run', id: original } });
    const before = (await inspect(env, repo, original)).run;
    expect(run.info.experimentId).toBe(before.info.experimentId);
    const model = (r: typeof run) => r.artifacts.find((a) => a.path === 'model/model.json')!.digest;
    expect(model(run)).toBe(model(before));
    expect(model(run)).toBe(sha256sum(path.join(repo, 'model/model.json')));
    expect(run.io.find((io) => io.direction === 'input')!.ref).toBe(before.io.find((io) => io.direction === 'input')!.ref);
    // The tree is gone, and git no longer lists it.
    expect(fs.existsSync(report.code.root)).toBe(false);
    expect(worktrees(repo)).toBe(1);
  });

  it('applies the recorded patch of a dirty run, and prints the verdict as text', async () => {
    const { repo, env } = await setup();
    fs.writeFileSync(path.join(repo, 'train.js'), trainScript.replace('const VERSION = 1;', 'const VERSION = 2;'));
    const original = await train(repo, env);
    // Back to the commit: only the recorded patch can bring VERSION = 2 back.
    git(repo, 'checkout', '--', 'train.js');

    const result = await runCli(['reproduce', original], { cwd: repo, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^identical: run [0-9a-f]{32} reproduces /);
    expect(result.stderr).toContain("applied the run's uncommitted changes");
    const reproduction = /run ([0-9a-f]{32}) reproduces/.exec(result.stdout)![1]!;
    const { run } = await inspect(env, repo, reproduction);
    expect(run.code).toMatchObject({ dirty: true, patchDigest: (await inspect(env, repo, original)).run.code!.patchDigest });
  });

  it('refuses when an input changed, naming the file; --allow-data-drift runs and reports the difference', async () => {
    const { repo, env } = await setup();
    const original = await train(repo, env);
    fs.appendFileSync(path.join(repo, 'data/orders.csv'), '4,c\n');

    const refused = await runCli(['reproduce', original], { cwd: repo, env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/input data\/orders\.csv: orders\.csv changed \(\d+ → \d+ bytes/);
    expect(refused.stderr).toContain('--allow-data-drift');
    expect(worktrees(repo)).toBe(1);

    const drifted = await runCli(['reproduce', original, '--allow-data-drift', '--json'], { cwd: repo, env });
    expect(drifted.code, drifted.stderr).toBe(1);
    const report = JSON.parse(drifted.stdout);
    expect(report.inputs[0].drift).toEqual([expect.objectContaining({ path: 'orders.csv', change: 'changed' })]);
    expect(report.comparison.verdict).toBe('differs');
    expect(report.comparison.artifacts).toEqual([expect.objectContaining({ path: 'model/model.json' })]);
    expect(report.comparison.params).toEqual([{ key: 'rows', original: '3', reproduced: '4' }]);
  });

  it('judges a noisy metric by --tolerance', async () => {
    const { repo, env } = await setup();
    const noisy = { ...env, NOISE: '1' };
    const original = await train(repo, noisy);

    const exact = await runCli(['reproduce', original], { cwd: repo, env: noisy });
    expect(exact.code).toBe(1);
    expect(exact.stdout).toMatch(/^differs/);
    expect(exact.stdout).toMatch(/metric loss: [\d.]+ → [\d.]+ \(off by/);

    const loose = await runCli(['reproduce', original, '--tolerance', '0.01', '--keep'], { cwd: repo, env: noisy });
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stdout).toMatch(/^within tolerance/);
    const kept = /tree kept at (.+)/.exec(loose.stdout)![1]!;
    expect(fs.readFileSync(path.join(kept, 'model/model.json'), 'utf8')).toContain('"counts"');
    git(repo, 'worktree', 'remove', '--force', kept);
  });

  it('clones the recorded remote when the repository is gone, and says so in one line when the clone fails', async () => {
    const remote = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-remote-'));
    git(remote, 'init', '-q', '--bare', '-b', 'main');
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-home-'));
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl('sqlite'), THREADLINE_HOME: home, THREADLINE_URL: '', NOISE: '' };
    const files = { 'train.js': trainScript, 'data/orders.csv': orders, '.gitignore': 'model/\n' };
    const pushed = makeGitRepo(files, remote);
    git(pushed, 'push', '-q', 'origin', 'main');
    const unreachable = makeGitRepo(files, 'https://git.invalid/acme/reco.git');
    const [fromPushed, fromUnreachable] = [await train(pushed, env), await train(unreachable, env)];
    fs.rmSync(pushed, { recursive: true, force: true });
    fs.rmSync(unreachable, { recursive: true, force: true });

    const cloned = await runCli(['reproduce', fromPushed, '--json'], { cwd: home, env });
    expect(cloned.code, cloned.stderr).toBe(0);
    expect(JSON.parse(cloned.stdout)).toMatchObject({ code: { source: 'clone' }, comparison: { verdict: 'identical' } });

    const offline = await runCli(['reproduce', fromUnreachable], { cwd: home, env });
    expect(offline.code).toBe(69);
    expect(offline.stderr).toMatch(/^threadline: could not clone https:\/\/git\.invalid\/acme\/reco\.git \(offline, or no access\?\)/m);
  });

  it('refuses a run without recorded code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-nogit-'));
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl('sqlite'), THREADLINE_HOME: path.join(dir, '.threadline'), THREADLINE_URL: '' };
    const run = await runCli(['run', '--', 'node', '-e', '0'], { cwd: dir, env });
    const result = await runCli(['reproduce', run.stdout.trim()], { cwd: dir, env });
    expect(result.code).toBe(5);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/has no recorded code version .*\(FAILED_PRECONDITION\)/);
    const badTolerance = await runCli(['reproduce', run.stdout.trim(), '--tolerance', 'lots'], { cwd: dir, env });
    expect(badTolerance.code).toBe(2);
    expect(badTolerance.stderr).toContain('--tolerance must be a number');
  });

  it('reproduces a dirty run against a server on PostgreSQL (patch and data records over HTTP)', async () => {
    const { repo } = await setup();
    const serverHome = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-server-'));
    const tl = await openThreadline({ databaseUrl: await freshDatabaseUrl('postgres'), artifactsUrl: path.join(serverHome, 'artifacts'), s3: store });
    const { app, url } = await startServer(tl, '127.0.0.1', 0);
    try {
      const env = { THREADLINE_URL: url, THREADLINE_HOME: path.join(repo, '.threadline-unused'), NOISE: '' };
      fs.writeFileSync(path.join(repo, 'train.js'), trainScript.replace('const VERSION = 1;', 'const VERSION = 3;'));
      const original = await train(repo, env);
      git(repo, 'checkout', '--', 'train.js');

      const result = await runCli(['reproduce', original, '--json'], { cwd: repo, env });
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.comparison.verdict).toBe('identical');
      expect(report.code.patched).toBe(true);
      expect(await edgesFrom(tl.store.db, { type: 'run', id: report.reproductionRunId })).toContainEqual({
        from: { type: 'run', id: report.reproductionRunId },
        relation: 'reproduces',
        to: { type: 'run', id: original },
      });
    } finally {
      await app.close();
      await tl.close();
    }
  });
});
