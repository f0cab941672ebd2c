import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { alive, makeGitRepo, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startServerProcess } from './serve.js';

const trainScript = `
const fs = require('node:fs');
fs.mkdirSync('model', { recursive: true });
fs.writeFileSync('model/model.json', JSON.stringify({ weights: [process.env.WEIGHT || 1] }));
fs.writeFileSync('model/predict.mjs', 'export const load = () => ({}); export async function predict(input) { return input; }');
`;
const image = (c: string) => `registry.local/reco@sha256:${c.repeat(64)}`;

describe.each(dialects)('deploy, rollback and deployments against a threadline server (THREADLINE_URL) on %s', (dialect) => {
  it('runs the targets here and records through the API: history, lineage, refusals that store nothing', { timeout: 420_000 }, async () => {
    const serverHome = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-server-'));
    const server = await startServerProcess({ THREADLINE_URL: '', THREADLINE_HOME: serverHome, THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_ARTIFACTS: '' }, serverHome);
    const repo = makeGitRepo({ 'train.js': trainScript, '.gitignore': '.threadline/\nmodel/\ndeploys.log\n' });
    const home = path.join(repo, '.threadline');
    // The client has no store of its own: THREADLINE_DB_URL is unset, everything goes to the server.
    const env = { THREADLINE_URL: server.url, THREADLINE_HOME: home, THREADLINE_DB_URL: '', THREADLINE_ACTOR: 'ci-bot', THREADLINE_DEPLOY_HEALTH_TIMEOUT_MS: '60000' };
    const cli = (...args: string[]) => runCli(args, { cwd: repo, env });
    const json = async (...args: string[]) => {
      const result = await cli(...args, '--json');
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      return JSON.parse(result.stdout);
    };
    const pids: number[] = [];
    try {
      const runs: string[] = [];
      for (const n of [1, 2]) {
        const run = await runCli(['run', '--output', 'model', '--', 'node', 'train.js'], { cwd: repo, env: { ...env, WEIGHT: String(n) } });
        expect(run.code, run.stderr).toBe(0);
        runs.push(run.stdout.trim());
        expect((await cli('models', 'register', 'reco', '--run', runs[n - 1]!, '--artifact', 'model')).stdout).toBe(`reco/${n}\n`);
      }

      // image build: the layout is written here from the server's artifact bytes, the image recorded there.
      const built = await json('image', 'build', 'reco/1', '--repository', '127.0.0.1:5000/reco');
      expect(built).toMatchObject({ repository: '127.0.0.1:5000/reco', tag: `run-${runs[0]}`, modelName: 'reco', modelVersion: 1, runId: runs[0], pushed: false, labels: { 'ai.threadline.run-id': runs[0], 'ai.threadline.model': 'reco/1' } });
      expect(built.gitSha).toMatch(/^[0-9a-f]{40}$/);
      expect(built.layoutPath).toBe(path.join(home, 'images', `reco-run-${runs[0]}`));
      const layoutIndex = JSON.parse(fs.readFileSync(path.join(built.layoutPath, 'index.json'), 'utf8'));
      expect(layoutIndex.manifests[0].digest).toBe(built.digest);
      expect(await json('image', 'show', built.digest)).toEqual(built);
      expect((await cli('image', 'record', image('2'), '--model', 'reco/2')).stdout).toBe(`${image('2')}\n`);
      expect((await json('image', 'list', '--model', 'reco')).map((i: { reference: string }) => i.reference)).toEqual([image('2'), built.reference]);

      // deploy (command target), a second deploy, rollback, rollback --run.
      const log = path.join(repo, 'deploys.log');
      const script = `echo "$THREADLINE_DEPLOYMENT $THREADLINE_IMAGE $THREADLINE_MODEL $THREADLINE_RUN_ID $THREADLINE_REASON" >> '${log}'`;
      const first = await cli('deploy', 'reco/1', '--env', 'prod', '--target', 'command', '--command', script);
      expect([first.code, first.stdout], first.stderr).toEqual([0, 'prod#1\n']);
      const second = await cli('deploy', 'reco/2', '--env', 'prod', '--target', 'command', '--command', script);
      expect([second.code, second.stdout], second.stderr).toEqual([0, 'prod#2\n']);
      const back = await json('rollback', '--env', 'prod');
      expect(back).toMatchObject({ id: 'prod#3', modelVersion: 1, imageReference: built.reference, runId: runs[0], reason: 'rollback', replacedId: 'prod#2', target: 'command', actor: 'ci-bot', status: 'deployed', current: true, details: { command: script, exitCode: 0 } });
      const byRun = await cli('rollback', '--env', 'prod', '--run', runs[1]!);
      expect([byRun.code, byRun.stdout], byRun.stderr).toEqual([0, 'prod#4\n']);
      expect(fs.readFileSync(log, 'utf8').trim().split('\n')).toEqual([
        `prod#1 ${built.reference} reco/1 ${runs[0]} deploy`,
        `prod#2 ${image('2')} reco/2 ${runs[1]} deploy`,
        `prod#3 ${built.reference} reco/1 ${runs[0]} rollback`,
        `prod#4 ${image('2')} reco/2 ${runs[1]} rollback`,
      ]);

      const history = await json('deployments', 'list', 'prod');
      expect(history.map((d: { id: string; status: string; reason: string; current: boolean; modelVersion: number; runId: string; actor: string }) => [d.id, d.status, d.reason, d.current, d.modelVersion, d.runId, d.actor])).toEqual([
        ['prod#4', 'deployed', 'rollback', true, 2, runs[1], 'ci-bot'],
        ['prod#3', 'replaced', 'rollback', false, 1, runs[0], 'ci-bot'],
        ['prod#2', 'replaced', 'deploy', false, 2, runs[1], 'ci-bot'],
        ['prod#1', 'replaced', 'deploy', false, 1, runs[0], 'ci-bot'],
      ]);
      expect((await cli('deployments', 'show', 'prod#3')).stdout).toContain(`model      reco/1\nrun        ${runs[0]}\n`);

      // The thread, from the server: the deployment runs the image, serves reco/1, trained by run 1.
      const trace = await json('trace', 'prod#3');
      const nodes = trace.nodes.map((n: { type: string; id: string }) => `${n.type}:${n.id}`);
      expect(nodes).toEqual(expect.arrayContaining([`image:${built.reference}`, 'model_version:reco/1', `run:${runs[0]}`]));
      expect(trace.nodes.find((n: { id: string }) => n.id === 'prod#3').summary).toContain('prod#3  replaced  rollback  reco/1 on command  by ci-bot');

      // The kubernetes target renders here, under this machine's THREADLINE_HOME.
      const k8s = await cli('deploy', image('2'), '--env', 'k8s', '--target', 'kubernetes', '--dry-run', '--namespace', 'ml');
      expect([k8s.code, k8s.stdout], k8s.stderr).toEqual([0, 'k8s#1\n']);
      const [manifest] = YAML.parseAllDocuments(fs.readFileSync(path.join(home, 'deployments/k8s/1/manifests.yaml'), 'utf8')).map((d) => d.toJS());
      expect(manifest.spec.template.spec.containers[0].image).toBe(image('2'));

      // Nothing was recorded on this machine so far: no store was opened here.
      expect(fs.existsSync(path.join(home, 'threadline.db'))).toBe(false);

      // The local target: the model server runs here, fetched from the server's registry; stop stops it.
      const local = await cli('deploy', 'reco/1', '--env', 'dev', '--target', 'local');
      expect([local.code, local.stdout], local.stderr).toEqual([0, 'dev#1\n']);
      const dev = await json('deployments', 'show', 'dev');
      pids.push(dev.details.pid);
      const health = await fetch(`${dev.details.url}/health`);
      expect(await health.json()).toMatchObject({ status: 'ok', model: 'reco', version: 1, run_id: runs[0], deployment: 'dev#1' });
      const stopped = await cli('deployments', 'stop', 'dev');
      expect([stopped.code, stopped.stdout], stopped.stderr).toEqual([0, 'dev#1\n']);
      expect(alive(dev.details.pid)).toBe(false);
      expect((await json('deployments', 'show', 'dev#1')).status).toBe('stopped');

      // Refusals: the right exit code, one line, and nothing stored.
      const count = (await json('deployments', 'list')).length;
      const none = await cli('rollback', '--env', 'staging');
      expect([none.code, none.stderr]).toEqual([5, 'threadline: staging has no current deployment: nothing to roll back to (FAILED_PRECONDITION)\n']);
      const unknownEnv = await cli('deployments', 'list', 'staging');
      expect([unknownEnv.code, unknownEnv.stderr]).toEqual([3, "threadline: No deployments of environment 'staging' (NOT_FOUND)\n"]);
      expect((await cli('deployments', 'show', 'prod#99')).code).toBe(3);
      expect((await cli('deploy', 'reco/1', '--env', '../x', '--target', 'command', '--command', 'true')).code).toBe(2);
      expect((await cli('deploy', image('9'), '--env', 'prod', '--target', 'command', '--command', 'true')).code).toBe(3);
      expect((await cli('rollback', '--env', 'prod', '--to', '99')).code).toBe(3);
      expect((await cli('deploy', 'reco/1', '--env', 'prod', '--target', 'kubernetes')).code).toBe(2); // no image, no cluster
      const onlyOne = await cli('rollback', '--env', 'k8s');
      expect([onlyOne.code, onlyOne.stderr]).toEqual([5, 'threadline: k8s has no current deployment: nothing to roll back to (FAILED_PRECONDITION)\n']);
      expect((await json('deployments', 'list')).length).toBe(count);
      expect(fs.existsSync(log) && fs.readFileSync(log, 'utf8').trim().split('\n').length).toBe(4);
    } finally {
      for (const pid of pids) if (alive(pid)) process.kill(-pid, 'SIGKILL');
      await server.stop();
    }
  });
});
