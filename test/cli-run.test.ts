import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/api/server.js';
import { openThreadline } from '../src/context.js';
import { allBytesUnder, dumpDatabase, git, makeGitRepo, repoRoot, runCli, sha256sum, waitFor } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';

// A child that logs through the API it is given, prints a secret it should not, and writes a model.
const trainScript = `
const fs = require('node:fs');
const url = process.env.THREADLINE_URL, run = process.env.THREADLINE_RUN_ID;
(async () => {
  const r = await fetch(url + '/api/runs/' + run + '/batch', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ metrics: [{ key: 'acc', value: 0.75, timestamp: Date.now(), step: 1 }], params: [{ key: 'from_child', value: 'yes' }] }) });
  if (!r.ok) throw new Error('log failed ' + r.status);
  console.log('token is ' + process.env.API_TOKEN + ' and git sha ' + process.env.GIT_SHA + ' mlflow run ' + process.env.MLFLOW_RUN_ID);
  fs.mkdirSync('model', { recursive: true });
  fs.writeFileSync('model/model.json', JSON.stringify({ weights: [1, 2, 3] }));
  process.exit(Number(process.env.EXIT_WITH || 0));
})();
`;

const secret = 'sup3r-s3cret-t0ken-value';
const remoteSecret = 'hunter2pass';

describe.each(dialects)('threadline run on %s', (dialect) => {
  async function setup() {
    const repo = makeGitRepo(
      {
        'train.js': trainScript,
        'data/orders.csv': 'order_id,item\n1,a\n2,b\n3,c\n',
        'package-lock.json': '{"lockfileVersion": 3}\n',
        'requirements.txt': 'numpy==2.1.0\n',
        '.gitignore': '.threadline/\nmodel/\n',
      },
      `https://alice:${remoteSecret}@git.example.com/acme/reco.git`,
    );
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: path.join(repo, '.threadline'), API_TOKEN: secret, THREADLINE_URL: '' };
    return { repo, env };
  }

  async function readRun(env: Record<string, string>, repo: string, runId: string) {
    const tl = await openThreadline({ databaseUrl: env.THREADLINE_DB_URL!, artifactsUrl: path.join(repo, '.threadline/artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    try {
      return { run: await tl.runs.get(runId), data: await Promise.all((await tl.runs.get(runId)).io.map((io) => tl.runs.dataVersion(io.ref))), tl };
    } finally {
      await tl.close();
    }
  }

  it('records code, data, environment, params, metrics, logs and outputs of a real run', async () => {
    const { repo, env } = await setup();
    const result = await runCli(
      ['run', '--experiment', 'reco', '--name', 'first', '--input', 'data/orders.csv', '--output', 'model', '--param', 'k=5', '--', 'node', 'train.js', '--job_id', '42', '--run_id', '777'],
      { cwd: repo, env },
    );
    expect(result.stderr).toContain('finished (exit 0)');
    expect(result.code).toBe(0);
    const runId = result.stdout.trim();
    expect(runId).toMatch(/^[0-9a-f]{32}$/);

    const { run, data } = await readRun(env, repo, runId);
    expect(run.info).toMatchObject({ name: 'first', status: 'FINISHED', exitCode: 0, command: ['node', 'train.js', '--job_id', '42', '--run_id', '777'] });
    expect(run.code).toMatchObject({ commitSha: git(repo, 'rev-parse', 'HEAD'), branch: 'main', dirty: false, remoteUrl: 'https://git.example.com/acme/reco.git' });
    expect(data[0]!.files).toEqual([{ path: 'orders.csv', size: fs.statSync(path.join(repo, 'data/orders.csv')).size, digest: sha256sum(path.join(repo, 'data/orders.csv')) }]);
    expect(data[0]!.rowCount).toBe(3);
    const locks = Object.fromEntries(run.environment!.lockfiles.map((l) => [l.path, l.digest]));
    expect(locks['package-lock.json']).toBe(sha256sum(path.join(repo, 'package-lock.json')));
    expect(locks['requirements.txt']).toBe(sha256sum(path.join(repo, 'requirements.txt')));
    expect(run.environment!.envVarNames).toContain('API_TOKEN');
    expect(run.params).toEqual({ k: '5', from_child: 'yes' });
    expect(run.metrics.acc).toMatchObject({ value: 0.75, step: 1 });
    expect(run.tags).toMatchObject({ 'threadline.databricks.job_id': '42', 'threadline.databricks.run_id': '777', 'mlflow.source.git.commit': run.code!.commitSha });
    expect(run.artifacts.map((a) => a.path)).toEqual(['logs/stderr.log', 'logs/stdout.log', 'model/model.json']);
    expect(run.artifacts[2]!.digest).toBe(sha256sum(path.join(repo, 'model/model.json')));

    const stdoutLog = fs.readFileSync(blobPath(repo, run.artifacts[1]!.digest), 'utf8');
    expect(stdoutLog).toContain(`git sha ${run.code!.commitSha}`);
    expect(stdoutLog).toContain(`mlflow run ${runId}`);
    expect(stdoutLog).toContain('token is ***');

    // The planted secrets are nowhere: not in the database (SQLite file and WAL, or PostgreSQL), not in the artifacts.
    const stored = allBytesUnder(path.join(repo, '.threadline')).toString('latin1');
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(remoteSecret);
    if (dialect === 'postgres') {
      const dump = JSON.stringify(await dumpDatabase(env.THREADLINE_DB_URL!));
      expect(dump).toContain(runId);
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(remoteSecret);
    }
  });

  it('stores the patch of a dirty tree so that the tree can be rebuilt', async () => {
    const { repo, env } = await setup();
    fs.appendFileSync(path.join(repo, 'train.js'), '\n// tuned by hand\n');
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'untracked but part of the run\n');
    const result = await runCli(['run', '--', 'node', 'train.js'], { cwd: repo, env });
    expect(result.code).toBe(0);
    const { run } = await readRun(env, repo, result.stdout.trim());
    expect(run.code!.dirty).toBe(true);
    const patch = blobPath(repo, run.code!.patchDigest!);
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-clone-'));
    execFileSync('git', ['clone', '-q', repo, clone]);
    git(clone, 'checkout', '-q', run.code!.commitSha);
    git(clone, 'apply', patch);
    expect(fs.readFileSync(path.join(clone, 'train.js'), 'utf8')).toBe(fs.readFileSync(path.join(repo, 'train.js'), 'utf8'));
    expect(fs.readFileSync(path.join(clone, 'notes.txt'), 'utf8')).toBe('untracked but part of the run\n');
  });

  it('passes the exit status through and marks the run FAILED', async () => {
    const { repo, env } = await setup();
    const result = await runCli(['run', '--', 'node', 'train.js'], { cwd: repo, env: { ...env, EXIT_WITH: '3' } });
    expect(result.code).toBe(3);
    const { run } = await readRun(env, repo, result.stdout.trim());
    expect(run.info).toMatchObject({ status: 'FAILED', exitCode: 3 });
  });

  it('forwards SIGTERM to the command and marks the run KILLED', async () => {
    const { repo, env } = await setup();
    fs.writeFileSync(path.join(repo, 'sleep.js'), "console.log('started'); setTimeout(() => {}, 60000);\n");
    let pid = 0;
    let childStarted = false;
    const pending = runCli(['run', '--', 'node', 'sleep.js'], { cwd: repo, env, onSpawn: (p) => (pid = p), onStderr: (text) => (childStarted = text.includes('started\n')) });
    await waitFor(() => childStarted && pid > 0);
    process.kill(pid, 'SIGTERM');
    const result = await pending;
    expect(result.stderr).toContain('killed');
    const { run } = await readRun(env, repo, result.stdout.trim());
    expect(run.info.status).toBe('KILLED');
  });

  it('refuses a missing input with one line and a non-zero exit, recording nothing', async () => {
    const { repo, env } = await setup();
    const result = await runCli(['run', '--input', 'data/missing.csv', '--', 'node', 'train.js'], { cwd: repo, env });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(2); // the progress line, then the error
    expect(result.stderr).toMatch(/threadline: .*missing\.csv.*\(NOT_FOUND\)/);
    const list = await runCli(['runs', 'list', '--json'], { cwd: repo, env });
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('works against a server at THREADLINE_URL exactly as embedded', async () => {
    const { repo } = await setup();
    const serverHome = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-server-'));
    const tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(serverHome, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    const { app, url } = await startServer(tl, '127.0.0.1', 0);
    try {
      const env = { THREADLINE_URL: url, THREADLINE_HOME: path.join(repo, '.threadline-unused'), API_TOKEN: secret };
      const result = await runCli(['run', '--experiment', 'remote', '--input', 'data/orders.csv', '--output', 'model', '--', 'node', 'train.js'], { cwd: repo, env });
      expect(result.code).toBe(0);
      const run = await tl.runs.get(result.stdout.trim());
      expect(run.metrics.acc!.value).toBe(0.75);
      expect(run.code!.commitSha).toBe(git(repo, 'rev-parse', 'HEAD'));
      expect(run.artifacts.map((a) => a.path)).toEqual(['logs/stderr.log', 'logs/stdout.log', 'model/model.json']);
      expect((await tl.artifacts.readBytes(run.artifacts[2]!.digest)).toString()).toBe(fs.readFileSync(path.join(repo, 'model/model.json'), 'utf8'));
      expect(fs.existsSync(path.join(repo, '.threadline-unused'))).toBe(false);
      const show = await runCli(['runs', 'show', run.info.runId, '--json'], { cwd: repo, env });
      expect(JSON.parse(show.stdout).info.runId).toBe(run.info.runId);
    } finally {
      await app.close();
      await tl.close();
    }
  });

  it('lists and shows runs, in text and JSON', async () => {
    const { repo, env } = await setup();
    const first = await runCli(['run', '--experiment', 'reco', '--', 'node', 'train.js'], { cwd: repo, env });
    const runId = first.stdout.trim();
    const list = await runCli(['runs', 'list'], { cwd: repo, env });
    expect(list.stdout).toMatch(new RegExp(`^${runId.slice(-8)}\\s+reco\\s+\\S+\\s+FINISHED`, 'm'));
    const show = await runCli(['runs', 'show', runId.slice(0, 10)], { cwd: repo, env });
    expect(show.stdout).toContain(`code       https://git.example.com/acme/reco.git @ ${git(repo, 'rev-parse', 'HEAD').slice(0, 12)} (main) clean`);
    const json = JSON.parse((await runCli(['runs', 'show', runId, '--json'], { cwd: repo, env })).stdout);
    expect(json.info.runId).toBe(runId);
    const experiments = JSON.parse((await runCli(['experiments', 'list', '--json'], { cwd: repo, env })).stdout);
    expect(experiments.map((e: { name: string }) => e.name).sort()).toEqual(['Default', 'reco']);
    const unknown = await runCli(['runs', 'show', 'ffffffffffff'], { cwd: repo, env });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr.trim()).toBe("threadline: Run 'ffffffffffff' not found (NOT_FOUND)");
  });
});

function blobPath(repo: string, digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return path.join(repo, '.threadline/artifacts/sha256', hex.slice(0, 2), hex);
}

void repoRoot;
