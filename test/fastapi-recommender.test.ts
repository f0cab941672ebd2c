import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../src/lineage/trace-types.js';
import { git, makeGitRepo, repoRoot, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startServerProcess } from './serve.js';

const example = path.join(repoRoot, 'examples/recommender');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHealth(url: string, log: () => string): Promise<void> {
  const end = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await request(`${url}/health`)).statusCode === 200) return;
    } catch {
      if (Date.now() > end) throw new Error(`the FastAPI app did not start: ${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(dialects)("the seed's FastAPI app with the middleware, end to end, on %s", (dialect) => {
  it('serves the demo model through uvicorn, logs each prediction to `threadline server`, and traces one to its commit and data', { timeout: 240_000 }, async () => {
    const repo = makeGitRepo({
      'train.mjs': fs.readFileSync(path.join(example, 'train.mjs'), 'utf8'),
      'serve_fastapi.py': fs.readFileSync(path.join(example, 'serve_fastapi.py'), 'utf8'),
      'data/orders.csv': fs.readFileSync(path.join(example, 'data/orders.csv'), 'utf8'),
      '.gitignore': '.threadline/\nmodel/\n',
    });
    const commit = git(repo, 'rev-parse', 'HEAD');
    const home = path.join(repo, '.threadline');
    const server = await startServerProcess({ THREADLINE_DB_URL: await freshDatabaseUrl(dialect), THREADLINE_HOME: home, THREADLINE_URL: '' }, repo);
    const env = { THREADLINE_URL: server.url, THREADLINE_HOME: home };
    const cli = async (...args: string[]) => {
      const result = await runCli(args, { cwd: repo, env });
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim();
    };
    let app: ReturnType<typeof spawn> | undefined;
    try {
      // train.mjs logs its metrics through the built package (threadline/sdk), which a test tree has
      // not built: it trains without the server here, and `threadline run` records code, data and outputs.
      const runId = await cli('run', '--experiment', 'amazon-recommender', '--input', 'data/orders.csv', '--output', 'model', '--', 'env', '-u', 'THREADLINE_URL', 'node', 'train.mjs', '--data', 'data/orders.csv', '--out', 'model/model.json');
      expect(await cli('models', 'register', 'amazon-recommender', '--run', runId, '--artifact', 'model')).toBe('amazon-recommender/1');
      await cli('models', 'alias', 'amazon-recommender', 'champion', '1');
      // The command target hands its script the identity the image would carry: keep it for the app.
      const deployment = await cli('deploy', 'amazon-recommender@champion', '--env', 'prod', '--target', 'command', '--command', 'env | grep -E "^(THREADLINE_(DEPLOYMENT|MODEL|RUN_ID)|GIT_SHA)=" > deploy.env');
      expect(deployment).toBe('prod#1');
      const identity = Object.fromEntries(fs.readFileSync(path.join(repo, 'deploy.env'), 'utf8').trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
      expect(identity).toMatchObject({ THREADLINE_DEPLOYMENT: 'prod#1', GIT_SHA: commit, THREADLINE_RUN_ID: runId });

      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      let log = '';
      // Its middleware comes from this repository's clients/python (serve_fastapi.py adds it to the path).
      app = spawn('/usr/bin/python3', [path.join(example, 'serve_fastapi.py'), '--port', String(port), '--model-dir', path.join(repo, 'model')], {
        cwd: repo,
        env: { ...process.env, ...identity, THREADLINE_URL: server.url, THREADLINE_SPOOL_DIR: path.join(repo, 'spool') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      app.stderr!.on('data', (d: Buffer) => (log += d));
      await waitForHealth(url, () => log);

      const answers: { recommended_items: string[]; prediction_id: string; run_id: string; git_sha: string; model_version: number }[] = [];
      for (const basket of [['dog-toy-rope'], ['cat-food-tuna', 'cat-litter'], ['fish-flakes']]) {
        const response = await request(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ basket }) });
        expect(response.statusCode).toBe(200);
        const answer = (await response.body.json()) as (typeof answers)[number];
        expect(response.headers['x-threadline-prediction-id']).toBe(answer.prediction_id);
        answers.push(answer);
      }
      expect(answers[0]).toMatchObject({ model_version: 1, run_id: runId, git_sha: commit });
      expect(answers[0]!.recommended_items.length).toBeGreaterThan(0);

      // Shipped in the background: wait for the three to be logged.
      const deadline = Date.now() + 20_000;
      let logged: { id: string }[] = [];
      while (logged.length < 3 && Date.now() < deadline) {
        logged = JSON.parse(await cli('predictions', 'list', '--deployment', 'prod#1', '--json')) as { id: string }[];
        if (logged.length < 3) await new Promise((r) => setTimeout(r, 200));
      }
      expect(logged.map((p) => p.id).sort()).toEqual(answers.map((a) => a.prediction_id).sort());

      const trace = JSON.parse(await cli('trace', answers[0]!.prediction_id, '--json')) as TraceResult;
      const node = (type: string) => trace.nodes.find((n) => n.type === type);
      expect(node('deployment')?.id).toBe('prod#1');
      expect(node('run')?.id).toBe(runId);
      expect(node('code')?.facts.commitSha).toBe(commit);
      expect(node('data')?.summary).toContain('orders.csv');
      const text = await cli('trace', answers[0]!.prediction_id);
      expect(text).toMatch(new RegExp(`^prediction ${answers[0]!.prediction_id} served .* by deployment prod#1  /predict → 200`));
      expect(text).toContain(`@ ${commit.slice(0, 7)} (clean)`);
    } finally {
      app?.kill('SIGTERM');
      await server.stop();
    }
  });
});
