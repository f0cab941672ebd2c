import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceResult } from '../src/lineage/trace-types.js';
import { startTestApi } from './api-server.js';
import { runCli } from './cli.js';
import { dialects } from './dialects.js';
import { logPyfuncModel, mlflow3Client, registerLoggedModel, type Mlflow3Client } from './mlflow3-client.js';
import { startCli } from './serve.js';

// Threadline's JS model entry, shipped beside the pyfunc files so that `threadline serve` can run it.
const predict = (weight: number) => `export const load = () => ({ weight: ${weight} });
export async function predict(input, context) { return { items: input.basket, weight: context.state.weight }; }`;

/**
 * A training job on MLflow 3 (replayed request by request) ends in a served prediction, and
 * `threadline trace` of that prediction walks back: deployment → image → model version →
 * logged model → run → code, data, environment. Image, deploy, rollback by run id and serve run
 * through the CLI against the server, as for a 2.x `runs:/<run>/model` version.
 */
describe.each(dialects)('an MLflow 3 logged model, from training to a traced prediction, on %s', (dialect) => {
  it('logs, registers (models:/<model_id>), builds, deploys, rolls back by run id, serves and traces', { timeout: 420_000 }, async () => {
    const api = await startTestApi(dialect);
    const c = mlflow3Client(api.url);
    const work = fs.mkdtempSync(path.join(api.home, 'client-'));
    const env = { THREADLINE_URL: api.url, THREADLINE_HOME: path.join(work, '.threadline'), THREADLINE_DB_URL: '', THREADLINE_ACTOR: 'ci-bot' };
    const cli = (...args: string[]) => runCli(args, { cwd: work, env });
    const json = async (...args: string[]) => {
      const result = await cli(...args, '--json');
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      return JSON.parse(result.stdout);
    };
    try {
      const experimentId: string = (await c.call('POST', 'experiments/create', { name: '/Shared/reco3' })).body.experiment_id;
      const commit = '3f9d2c1'.padEnd(40, 'a');
      const runs: string[] = [];
      const models: string[] = [];
      for (const weight of [1, 2]) {
        const { runId, modelId } = await trainOnMlflow3(c, experimentId, commit, weight);
        runs.push(runId);
        models.push(modelId);
        expect((await registerLoggedModel(c, modelId, 'reco3')).version).toBe(String(weight));
      }

      // image build, then two deploys and a rollback to the first run.
      const built = await json('image', 'build', 'reco3/1', '--repository', '127.0.0.1:5000/reco3');
      expect(built).toMatchObject({ tag: `run-${runs[0]}`, modelName: 'reco3', modelVersion: 1, runId: runs[0], labels: { 'ai.threadline.run-id': runs[0], 'ai.threadline.model': 'reco3/1' } });
      const layer = fs.readdirSync(path.join(built.layoutPath, 'blobs/sha256')).length;
      expect(layer).toBeGreaterThanOrEqual(4);
      for (const version of ['reco3/1', 'reco3/2']) expect((await cli('deploy', version, '--env', 'prod', '--target', 'command', '--command', 'true')).code).toBe(0);
      const back = await json('rollback', '--env', 'prod', '--run', runs[0]!);
      expect(back).toMatchObject({ id: 'prod#3', modelVersion: 1, runId: runs[0], imageReference: built.reference, reason: 'rollback' });

      // A prediction from the served logged model, under that deployment; the model server logs to the
      // server's database, and the trace starts from that prediction on both dialects.
      let start = 'prod#3';
      {
        const server = await startCli(['serve', 'reco3/1', '--port', '0', '--deployment', 'prod#3'], { cwd: work, env: { ...env, THREADLINE_DB_URL: api.databaseUrl } });
        try {
          const res = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"basket": ["dog-toy-rope"]}' });
          const body = (await res.json()) as Record<string, unknown>;
          expect(body).toMatchObject({ predictions: { items: ['dog-toy-rope'], weight: 1 }, model_version: 1, run_id: runs[0], git_sha: commit });
          start = body.prediction_id as string;
        } finally {
          expect(await server.stop()).toBe(0);
        }
        expect(fs.readdirSync(path.join(env.THREADLINE_HOME, 'models/reco3/1')).sort()).toEqual(['.threadline-digest', 'MLmodel', 'conda.yaml', 'predict.mjs', 'python_env.yaml', 'python_model.pkl', 'requirements.txt']);
      }

      const trace = (await json('trace', start)) as TraceResult;
      const types = new Set(trace.nodes.map((n) => n.type));
      const expected = ['deployment', 'image', 'model_version', 'logged_model', 'run', 'code', 'data', 'environment', 'prediction'];
      for (const type of expected) expect(types, type).toContain(type);
      expect(trace.nodes.find((n) => n.type === 'logged_model')).toMatchObject({ id: models[0], facts: { sourceRunId: runs[0], status: 'LOGGED_MODEL_READY' } });
      expect(trace.nodes.filter((n) => n.type === 'run').map((n) => n.id)).toEqual([runs[0]]);
      expect(trace.nodes.find((n) => n.type === 'environment')?.facts).toMatchObject({ runtimes: { python: '3.11.7', mlflow: '3.6.0' } });
      // The logged model by its id (a prefix), downstream, as text: the version made from it and what serves it.
      const down = (await cli('trace', models[0]!.slice(0, 12), '--downstream')).stdout;
      expect(down).toMatch(new RegExp(`^logged model model  ${models[0]}  READY  6 files`));
      const impact = /^impact +1 prediction, 2 deployments, 1 image, 1 model version$/m;
      for (const line of [/^ +model {6}reco3 v1 /m, /^ +deployment prod#3 /m, impact]) expect(down).toMatch(line);
    } finally {
      await api.close();
    }
  });
});

/** One training job as an MLflow 3 client runs it: start_run with git tags, log_input, log_params, log_metric, pyfunc.log_model, end_run. */
async function trainOnMlflow3(c: Mlflow3Client, experimentId: string, commit: string, weight: number): Promise<{ runId: string; modelId: string }> {
  const tags = [
    { key: 'mlflow.source.git.commit', value: commit },
    { key: 'mlflow.source.git.repoURL', value: 'https://github.com/acme/reco.git' },
    { key: 'mlflow.source.git.branch', value: 'main' },
    { key: 'mlflow.databricks.jobID', value: '42' },
    { key: 'mlflow.databricks.jobRunID', value: String(776 + weight) },
  ];
  const runId: string = (await c.call('POST', 'runs/create', { experiment_id: experimentId, run_name: `train-${weight}`, tags })).body.run.info.run_id;
  const dataset = {
    name: 'main.reco.orders@v12',
    digest: 'a1b2c3d4',
    source_type: 'delta_table',
    source: JSON.stringify({ delta_table_name: 'main.reco.orders', delta_table_version: 12 }),
    profile: JSON.stringify({ num_rows: 1204332 }),
  };
  expect((await c.call('POST', 'runs/log-inputs', { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }] })).status).toBe(200);
  const now = Date.now();
  await c.call('POST', 'runs/log-batch', { run_id: runId, params: [{ key: 'weight', value: String(weight) }], metrics: [{ key: 'precision', value: 0.4 + weight / 10, timestamp: now, step: 0 }] });
  const { modelId } = await logPyfuncModel(c, experimentId, runId, { 'predict.mjs': predict(weight) });
  expect((await c.call('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() })).status).toBe(200);
  return { runId, modelId };
}
