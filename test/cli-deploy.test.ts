import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { makeGitRepo, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';

const trainScript = `
const fs = require('node:fs');
fs.mkdirSync('model', { recursive: true });
fs.writeFileSync('model/model.json', JSON.stringify({ weights: [Date.now()] }));
`;
const image = (c: string) => `registry.local/reco@sha256:${c.repeat(64)}`;

/** A `kubectl` that records its arguments (and fails when FAKE_KUBECTL_FAIL is set), first on PATH. */
function fakeKubectl(dir: string): { bin: string; argsFile: string } {
  const bin = path.join(dir, 'fake-bin');
  const argsFile = path.join(dir, 'kubectl-args.txt');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, 'kubectl'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\nif [ -n "$FAKE_KUBECTL_FAIL" ]; then echo 'error: unable to recognize "manifests.yaml": no matches for kind "Deployment"' >&2; echo 'second line' >&2; exit 1; fi\necho 'deployment.apps/reco-k8s created'\n`,
    { mode: 0o755 },
  );
  return { bin, argsFile };
}

describe.each(dialects)('threadline deploy, rollback and deployments on %s', (dialect) => {
  it('deploys twice, rolls back to the previous one and by run id, lists and shows the history, refuses when nothing to roll back to', { timeout: 240_000 }, async () => {
    const repo = makeGitRepo({ 'train.js': trainScript, '.gitignore': '.threadline/\nmodel/\ndeploys.log\n' });
    const home = path.join(repo, '.threadline');
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: home, THREADLINE_URL: '', THREADLINE_ACTOR: 'ci-bot' };
    const cli = (...args: string[]) => runCli(args, { cwd: repo, env });

    const runs: string[] = [];
    for (const n of [1, 2]) {
      const run = await cli('run', '--output', 'model', '--', 'node', 'train.js');
      expect(run.code).toBe(0);
      runs.push(run.stdout.trim());
      expect((await cli('models', 'register', 'reco', '--run', runs[n - 1]!, '--artifact', 'model')).stdout).toBe(`reco/${n}\n`);
      const recorded = await cli('image', 'record', image(String(n)), '--model', `reco/${n}`);
      expect(recorded.code, recorded.stderr).toBe(0);
    }
    expect((await cli('models', 'alias', 'reco', 'champion', '2')).code).toBe(0);

    const log = path.join(repo, 'deploys.log');
    const script = `echo "$THREADLINE_DEPLOYMENT $THREADLINE_IMAGE $THREADLINE_MODEL $THREADLINE_REASON" >> '${log}'; echo deployed-by-script`;
    const first = await cli('deploy', 'reco/1', '--env', 'prod', '--target', 'command', '--command', script);
    expect(first.stderr).toContain('deployed-by-script'); // the script's output goes to stderr
    expect([first.code, first.stdout]).toEqual([0, 'prod#1\n']);
    const second = await cli('deploy', 'reco@champion', '--env', 'prod', '--target', 'command', '--command', script);
    expect([second.code, second.stdout]).toEqual([0, 'prod#2\n']);

    const back = await cli('rollback', '--env', 'prod', '--json');
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ id: 'prod#3', modelVersion: 1, imageReference: image('1'), runId: runs[0], reason: 'rollback', replacedId: 'prod#2', target: 'command', actor: 'ci-bot', status: 'deployed', current: true });

    const byRun = await cli('rollback', '--env', 'prod', '--run', runs[1]!);
    expect([byRun.code, byRun.stdout]).toEqual([0, 'prod#4\n']);
    expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      `prod#1 ${image('1')} reco/1 deploy`,
      `prod#2 ${image('2')} reco/2 deploy`,
      `prod#3 ${image('1')} reco/1 rollback`,
      `prod#4 ${image('2')} reco/2 rollback`,
    ]);

    const list = JSON.parse((await cli('deployments', 'list', 'prod', '--json')).stdout);
    expect(list.map((d: { id: string; status: string; reason: string; current: boolean; modelVersion: number }) => [d.id, d.status, d.reason, d.current, d.modelVersion])).toEqual([
      ['prod#4', 'deployed', 'rollback', true, 2],
      ['prod#3', 'replaced', 'rollback', false, 1],
      ['prod#2', 'replaced', 'deploy', false, 2],
      ['prod#1', 'replaced', 'deploy', false, 1],
    ]);
    const table = (await cli('deployments', 'list')).stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^\s+ID\s+STATUS\s+REASON\s+TARGET\s+MODEL\s+RUN\s+IMAGE\s+BY\s+WHEN$/);
    expect(table[1]).toMatch(new RegExp(`^\\*\\s+prod#4\\s+deployed\\s+rollback\\s+command\\s+reco/2\\s+${runs[1]!.slice(-8)}\\s+${image('2').replace(/[.]/g, '\\.')}\\s+ci-bot\\s+\\d{4}-`));
    expect(table).toHaveLength(5);

    const shown = (await cli('deployments', 'show', 'prod#3')).stdout;
    for (const line of [
      'deployment prod#3  replaced',
      `image      ${image('1')}`,
      'model      reco/1',
      `run        ${runs[0]}`,
      'target     command',
      'by         ci-bot',
      'replaced   prod#2',
      'reason     rollback',
    ]) expect(shown).toContain(line);
    expect(shown).toMatch(/git sha    [0-9a-f]{40}/);
    expect((await cli('deployments', 'show', 'prod')).stdout).toContain('deployment prod#4  (current)  deployed');

    // Refusals: one line on stderr, non-zero exit, nothing recorded.
    const none = await cli('rollback', '--env', 'staging');
    expect([none.code, none.stderr]).toEqual([5, 'threadline: staging has no current deployment: nothing to roll back to (FAILED_PRECONDITION)\n']);
    await cli('deploy', 'reco/1', '--env', 'staging', '--target', 'command', '--command', 'true');
    const only = await cli('rollback', '--env', 'staging');
    expect([only.code, only.stderr]).toEqual([5, 'threadline: staging#1 is the only deployment of staging: nothing to roll back to (FAILED_PRECONDITION)\n']);
    const unknownRun = await cli('rollback', '--env', 'prod', '--run', '424242');
    expect(unknownRun.code).toBe(3);
    expect(unknownRun.stderr.trim().split('\n')).toHaveLength(1);
    expect((await cli('deployments', 'show', 'prod#99')).code).toBe(3);

    // A failing deploy script: recorded as failed, its exit status handed on, prod#4 stays current.
    const failed = await cli('deploy', 'reco/1', '--env', 'prod', '--target', 'command', '--command', 'exit 7');
    expect([failed.code, failed.stdout]).toEqual([7, 'prod#5\n']);
    expect(failed.stderr).toContain('threadline: prod#5 failed: deploy command exited with 7');
    expect(JSON.parse((await cli('deployments', 'show', 'prod', '--json')).stdout).id).toBe('prod#4');

    // The thread: trace from the deployment reaches its image, model version and run.
    const trace = await cli('trace', 'prod#3', '--json');
    expect(trace.code, trace.stderr).toBe(0);
    const nodes = JSON.stringify(JSON.parse(trace.stdout));
    for (const id of ['prod#2', image('1'), 'reco/1', runs[0]!]) expect(nodes).toContain(id);
    const text = (await cli('trace', 'deployment', 'prod#3')).stdout;
    expect(text).toContain('prod#3  replaced  rollback  reco/1 on command  by ci-bot');
    const down = JSON.stringify(JSON.parse((await cli('trace', 'reco/1', '--downstream', '--json')).stdout));
    for (const id of ['prod#1', 'prod#3']) expect(down).toContain(id);

    // With THREADLINE_URL the record is the server's (test/cli-deploy-remote.test.ts): none listens here.
    const remote = await runCli(['deployments', 'list'], { cwd: repo, env: { ...env, THREADLINE_URL: 'http://127.0.0.1:9' } });
    expect([remote.code, remote.stderr]).toEqual([69, expect.stringContaining('cannot reach Threadline at http://127.0.0.1:9')]);
  });

  it('kubernetes: --dry-run writes the manifests; with a kubeconfig runs kubectl apply -f and records its failure in one line', { timeout: 180_000 }, async () => {
    const repo = makeGitRepo({ 'train.js': trainScript, '.gitignore': '.threadline/\nmodel/\n' });
    const home = path.join(repo, '.threadline');
    const { bin, argsFile } = fakeKubectl(repo);
    const env = { THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: home, THREADLINE_URL: '', PATH: `${bin}:${process.env.PATH}`, KUBECONFIG: '' };
    const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: repo, env: { ...env, ...extra } });
    const runId = (await cli(['run', '--output', 'model', '--', 'node', 'train.js'])).stdout.trim();
    await cli(['models', 'register', 'reco', '--run', runId, '--artifact', 'model']);
    expect((await cli(['image', 'record', image('a'), '--model', 'reco/1'])).code).toBe(0);

    const dry = await cli(['deploy', 'reco/1', '--env', 'k8s', '--target', 'kubernetes', '--dry-run', '--namespace', 'ml']);
    expect([dry.code, dry.stdout]).toEqual([0, 'k8s#1\n']);
    expect(fs.existsSync(argsFile)).toBe(false);
    const manifests = path.join(home, 'deployments', 'k8s', '1', 'manifests.yaml');
    const [deployment, service] = YAML.parseAllDocuments(fs.readFileSync(manifests, 'utf8')).map((d) => d.toJS());
    expect(deployment.kind).toBe('Deployment');
    expect(service.kind).toBe('Service');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe(image('a'));
    expect(Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]))).toMatchObject({ THREADLINE_RUN_ID: runId, run_id: runId, THREADLINE_MODEL: 'reco/1', THREADLINE_DEPLOYMENT: 'k8s#1' });
    expect(deployment.metadata.annotations).toMatchObject({ 'ai.threadline/run-id': runId, 'ai.threadline/model': 'reco/1' });
    expect(deployment.metadata.annotations['ai.threadline/git-sha']).toMatch(/^[0-9a-f]{40}$/);

    const noCluster = await cli(['deploy', 'reco/1', '--env', 'k8s', '--target', 'kubernetes']);
    expect(noCluster.code).toBe(2);
    expect(noCluster.stderr).toContain('--kubeconfig');

    const kubeconfig = path.join(repo, 'kubeconfig');
    fs.writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    const applied = await cli(['deploy', 'reco/1', '--env', 'k8s', '--target', 'kubernetes', '--kubeconfig', kubeconfig]);
    expect([applied.code, applied.stdout], applied.stderr).toEqual([0, 'k8s#2\n']);
    expect(fs.readFileSync(argsFile, 'utf8').trim().split('\n')).toEqual(['apply', '-f', path.join(home, 'deployments', 'k8s', '2', 'manifests.yaml'), '--kubeconfig', kubeconfig]);

    // KUBECONFIG from the environment works too; a kubectl failure is recorded with its first line.
    const broken = await cli(['deploy', 'reco/1', '--env', 'k8s', '--target', 'kubernetes'], { KUBECONFIG: kubeconfig, FAKE_KUBECTL_FAIL: '1' });
    expect([broken.code, broken.stdout]).toEqual([1, 'k8s#3\n']);
    const shown = JSON.parse((await cli(['deployments', 'show', 'k8s#3', '--json'])).stdout);
    expect(shown).toMatchObject({ status: 'failed', current: false, details: { exitCode: 1, error: 'error: unable to recognize "manifests.yaml": no matches for kind "Deployment"' } });
    expect(JSON.parse((await cli(['deployments', 'show', 'k8s', '--json'])).stdout).id).toBe('k8s#2');

    // The dry run k8s#1 is no deployment to go back to: k8s#2 is the only one that ran.
    const nothing = await cli(['rollback', '--env', 'k8s', '--kubeconfig', kubeconfig]);
    expect([nothing.code, nothing.stderr]).toEqual([5, 'threadline: k8s#2 is the only deployment of k8s: nothing to roll back to (FAILED_PRECONDITION)\n']);
    const again = await cli(['deploy', 'reco/1', '--env', 'k8s', '--target', 'kubernetes', '--kubeconfig', kubeconfig]);
    expect([again.code, again.stdout], again.stderr).toEqual([0, 'k8s#4\n']);

    // A rollback re-applies to the same target, by the previous deployment's image.
    const back = await cli(['rollback', '--env', 'k8s', '--kubeconfig', kubeconfig, '--json']);
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ id: 'k8s#5', target: 'kubernetes', reason: 'rollback', replacedId: 'k8s#4', imageReference: image('a') });
  });
});
