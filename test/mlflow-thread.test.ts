import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answer } from '../src/api/mlflow/testing.js';
import { captureCode } from '../src/capture/git.js';
import type { TraceResult } from '../src/lineage/trace-types.js';
import { alive, git, makeGitRepo, repoRoot, runCli } from './cli.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { startServerProcess } from './serve.js';

const onnxBytes = fs.readFileSync(path.join(repoRoot, 'src/serving/model/fixtures/linear-classifier.onnx'));

/** The folder `mlflow.onnx.log_model(onnx_model, "model")` writes with MLflow 2.17.2 (python 3.11). */
function modelFolder(runId: string): Record<string, string | Buffer> {
  return {
    MLmodel: [
      'artifact_path: model',
      'flavors:',
      '  onnx:',
      '    code: null',
      '    data: model.onnx',
      '    onnx_version: 1.16.1',
      '    providers:',
      '    - CUDAExecutionProvider',
      '    - CPUExecutionProvider',
      '  python_function:',
      '    data: model.onnx',
      '    env:',
      '      conda: conda.yaml',
      '      virtualenv: python_env.yaml',
      '    loader_module: mlflow.onnx',
      '    python_version: 3.11.7',
      'mlflow_version: 2.17.2',
      `model_size_bytes: ${onnxBytes.length}`,
      'model_uuid: 8c2e5d0f4b7a4e1c9f3d2a6b1e0c7d5f',
      `run_id: ${runId}`,
      "utc_time_created: '2026-12-06 21:00:00.000000'",
      '',
    ].join('\n'),
    'model.onnx': onnxBytes,
    'conda.yaml': 'channels:\n- conda-forge\ndependencies:\n- python=3.11.7\n- pip<=24.0\n- pip:\n  - mlflow==2.17.2\n  - onnx==1.16.1\n  - onnxruntime==1.19.2\nname: mlflow-env\n',
    'python_env.yaml': 'python: 3.11.7\nbuild_dependencies:\n- pip==24.0\n- setuptools==69.5.1\n- wheel==0.43.0\ndependencies:\n- -r requirements.txt\n',
    'requirements.txt': 'mlflow==2.17.2\nonnx==1.16.1\nonnxruntime==1.19.2\n',
  };
}

const trainingTable = {
  name: 'main.reco.orders@v12',
  digest: '9f1c4b2e',
  source_type: 'delta_table',
  source: JSON.stringify({ delta_table_name: 'main.reco.orders', delta_table_version: 12, is_databricks_uc_table: true, delta_table_id: '4f2c…' }),
  schema: JSON.stringify({ mlflow_colspec: [{ type: 'string', name: 'user_id', required: true }, { type: 'string', name: 'item_id', required: true }] }),
  profile: JSON.stringify({ approx_count: 1204332 }),
};
const holdout = {
  name: 'holdout',
  digest: '77e0a1d3',
  source_type: 's3',
  source: JSON.stringify({ uri: 's3://lake/orders/2026-11-19' }),
  schema: JSON.stringify({ mlflow_colspec: [{ type: 'double', name: 'a', required: true }] }),
  profile: JSON.stringify({ num_rows: 5000, num_elements: 20000 }),
};

/**
 * The seed's flow as the MLflow 2.17.2 Python client sends it from a Databricks job, request by
 * request against `threadline server`, then image, deployment and a prediction through the CLI:
 * the prediction traces to all seven links without a tag beyond MLflow's, Databricks' and the seed's.
 */
describe.each(dialects)('an MLflow client run traced from a prediction on %s', (dialect) => {
  it('links code, data, environment and job ids as the requests arrive; trace shows 7 of 7', { timeout: 300_000 }, async () => {
    const repo = makeGitRepo({ 'train.py': 'import mlflow\n', '.gitignore': '.threadline/\n' }, 'https://github.com/acme/reco.git');
    const commit = git(repo, 'rev-parse', 'HEAD');
    const serverHome = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-mlflow-server-'));
    const databaseUrl = dialect === 'sqlite' ? path.join(serverHome, 'threadline.db') : await freshDatabaseUrl(dialect);
    const artifacts = path.join(serverHome, 'artifacts');
    const server = await startServerProcess({ THREADLINE_URL: '', THREADLINE_HOME: serverHome, THREADLINE_DB_URL: databaseUrl, THREADLINE_ARTIFACTS: artifacts }, serverHome);
    const pids: number[] = [];
    try {
      const api = `${server.url}/api/2.0/mlflow`;
      const call = async (method: 'GET' | 'POST', endpoint: string, body?: Record<string, unknown>) => {
        const url = method === 'GET' ? `${api}/${endpoint}?${new URLSearchParams(body as Record<string, string>)}` : `${api}/${endpoint}`;
        return answer(fetch(url, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
      };
      const ok = async (method: 'GET' | 'POST', endpoint: string, body?: Record<string, unknown>) => {
        const answer = await call(method, endpoint, body);
        expect(answer.status, `${endpoint}: ${JSON.stringify(answer.body)}`).toBe(200);
        return answer.body;
      };

      // mlflow.set_experiment('/Shared/Amazon_recommender')
      const experimentName = '/Shared/Amazon_recommender';
      expect((await call('GET', 'experiments/get-by-name', { experiment_name: experimentName })).status).toBe(404);
      const experimentId: string = (await ok('POST', 'experiments/create', { name: experimentName })).experiment_id;
      await ok('GET', 'experiments/get', { experiment_id: experimentId });

      // mlflow.start_run(run_name="amazon-recommender"): the context providers' tags on a Databricks job.
      const contextTags = {
        'mlflow.user': 'alice@acme.com',
        'mlflow.source.name': 'jobs/42/run/777',
        'mlflow.source.type': 'JOB',
        'mlflow.source.git.commit': commit,
        'mlflow.source.git.repoURL': 'https://x-access-token:ghp_s3cr3t@github.com/acme/reco.git',
        'mlflow.source.git.branch': 'main',
        'mlflow.databricks.jobID': '42',
        'mlflow.databricks.jobRunID': '777',
        'mlflow.databricks.jobType': 'SPARK_PYTHON_TASK',
        'mlflow.databricks.webappURL': 'https://westeurope.azuredatabricks.net',
        'mlflow.databricks.workspaceURL': 'adb-1234567890123456.7.azuredatabricks.net',
        'mlflow.databricks.workspaceID': '1234567890123456',
        'mlflow.databricks.cluster.id': '1206-210000-abcd1234',
      };
      const created = await ok('POST', 'runs/create', {
        experiment_id: experimentId,
        user_id: 'alice@acme.com',
        start_time: Date.now(),
        tags: Object.entries({ ...contextTags, 'mlflow.runName': 'amazon-recommender' }).map(([key, value]) => ({ key, value })),
        run_name: 'amazon-recommender',
      });
      const runId: string = created.run.info.run_id;

      await ok('POST', 'runs/log-batch', { run_id: runId, metrics: [], params: [{ key: 'k', value: '5' }], tags: [] });
      await ok('POST', 'runs/log-metric', { run_id: runId, run_uuid: runId, key: 'precision_at_5', value: 0.42, timestamp: Date.now(), step: 0 });
      // mlflow.log_input(mlflow.data.load_delta(table_name=…, version=12), context="training"), and a pandas holdout set.
      await ok('POST', 'runs/log-inputs', { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset: trainingTable }] });
      await ok('POST', 'runs/log-inputs', { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'evaluation' }], dataset: holdout }] });
      // mlflow.set_tags(tags): the seed's own.
      const seedTags = { GIT_SHA: commit, MLFLOW_RUN_ID: runId, DBR_JOB_ID: '42', DBR_RUN_ID: '777' };
      await ok('POST', 'runs/log-batch', { run_id: runId, metrics: [], params: [], tags: Object.entries(seedTags).map(([key, value]) => ({ key, value })) });

      // mlflow.onnx.log_model(model, "model"): the run's artifact URI, one PUT per file, then runs/log-model.
      const artifactUri: string = (await ok('GET', 'runs/get', { run_id: runId })).run.info.artifact_uri;
      expect(artifactUri).toBe(`mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
      const files = modelFolder(runId);
      for (const [name, content] of Object.entries(files)) {
        const put = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/${name}`, { method: 'PUT', body: content });
        expect(put.status).toBe(200);
      }
      const modelJson = { artifact_path: 'model', flavors: { onnx: { data: 'model.onnx' }, python_function: { loader_module: 'mlflow.onnx', python_version: '3.11.7' } }, mlflow_version: '2.17.2', run_id: runId, utc_time_created: '2026-12-06 21:00:00.000000' };
      await ok('POST', 'runs/log-model', { run_id: runId, model_json: JSON.stringify(modelJson) });

      // mlflow.register_model(f"runs:/{run_id}/model", "amazon-recommender", tags=tags)
      await ok('POST', 'registered-models/create', { name: 'amazon-recommender' });
      await ok('GET', 'runs/get', { run_id: runId });
      const version = await ok('POST', 'model-versions/create', {
        name: 'amazon-recommender',
        source: `${artifactUri}/model`,
        run_id: runId,
        tags: Object.entries(seedTags).map(([key, value]) => ({ key, value })),
      });
      expect(version.model_version).toMatchObject({ name: 'amazon-recommender', version: '1', status: 'READY' });
      await ok('GET', 'model-versions/get', { name: 'amazon-recommender', version: '1' });
      await ok('POST', 'runs/update', { run_id: runId, run_uuid: runId, status: 'FINISHED', end_time: Date.now() });

      // What MLflow clients see is what they sent, minus the credential; Threadline's own tags beside it.
      const run = (await ok('GET', 'runs/get', { run_id: runId })).run;
      const tags = Object.fromEntries(run.data.tags.map((t: { key: string; value: string }) => [t.key, t.value]));
      expect(tags).toMatchObject({ 'mlflow.source.git.repoURL': 'https://github.com/acme/reco.git', 'threadline.databricks.job_id': '42', 'threadline.databricks.run_id': '777', 'threadline.databricks.git_sha': commit, 'threadline.databricks.cluster_id': '1206-210000-abcd1234' });
      expect(JSON.stringify(run)).not.toContain('ghp_s3cr3t');
      expect(run.inputs.dataset_inputs).toHaveLength(2);

      // Image, deployment and a prediction, through the CLI against the server; the model server logs to the same store.
      const clientHome = path.join(repo, '.threadline');
      const env = { THREADLINE_URL: server.url, THREADLINE_HOME: clientHome, THREADLINE_DB_URL: databaseUrl, THREADLINE_ARTIFACTS: artifacts, THREADLINE_DEPLOY_HEALTH_TIMEOUT_MS: '60000' };
      const cli = (...args: string[]) => runCli(args, { cwd: repo, env });
      const json = async (...args: string[]) => {
        const result = await cli(...args, '--json');
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
        return JSON.parse(result.stdout);
      };
      const image = await json('image', 'build', 'amazon-recommender/1', '--repository', '127.0.0.1:5000/amazon-recommender');
      expect(image).toMatchObject({ runId, gitSha: commit, labels: { 'org.opencontainers.image.source': 'https://github.com/acme/reco.git' } });
      const deployed = await cli('deploy', 'amazon-recommender/1', '--env', 'prod', '--target', 'local');
      expect([deployed.code, deployed.stdout], deployed.stderr).toEqual([0, 'prod#1\n']);
      const deployment = await json('deployments', 'show', 'prod');
      pids.push(deployment.details.pid);
      const predicted = await fetch(`${deployment.details.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [[1, 2, 3, 4]] }) });
      expect(predicted.status).toBe(200);
      const predictionId = predicted.headers.get('x-threadline-prediction-id')!;
      expect(predictionId).toMatch(/^[0-9a-f-]{36}$/);

      // The prediction is logged within the durability window: wait for its row.
      for (let i = 0; i < 100 && (await fetch(`${server.url}/api/predictions/${predictionId}`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
      const traceApi = async (query: Record<string, string>) => (await fetch(`${server.url}/api/lineage/trace?${new URLSearchParams(query)}`)).json() as Promise<TraceResult>;
      const trace = await traceApi({ id: predictionId });
      const types = ['deployment', 'image', 'model_version', 'run', 'code', 'data', 'environment'] as const;
      const found = types.filter((type) => trace.nodes.some((n) => n.type === type));
      expect(found).toEqual(types);
      const node = (type: string) => trace.nodes.filter((n) => n.type === type);
      expect(node('deployment').map((n) => n.id)).toEqual(['prod#1']);
      expect(node('image').map((n) => n.id)).toEqual([image.reference]);
      expect(node('model_version').map((n) => n.id)).toEqual(['amazon-recommender/1']);
      expect(node('run').map((n) => n.id)).toEqual([runId]);
      // The same code version a `threadline run` in this checkout records.
      const captured = (await captureCode(repo, { storePatch: () => Promise.reject(new Error('clean checkout')) }))!;
      expect(node('code').map((n) => n.id)).toEqual([captured.id]);
      expect(node('data').map((n) => n.facts.uri).sort()).toEqual(['delta:main.reco.orders@v12', 's3://lake/orders/2026-11-19']);
      expect(node('environment')).toHaveLength(1);
      expect(node('environment')[0]!.facts).toMatchObject({ runtimes: { python: '3.11.7', mlflow: '2.17.2' } });

      const text = (await cli('trace', predictionId)).stdout;
      process.stdout.write(`\n--- trace ${predictionId} (${dialect}) ---\n${text}`);
      expect(text).toMatch(/^ {2}deployment prod#1 /m);
      expect(text).toContain(`run        ${runId.slice(-8)}  "amazon-recommender"  experiment /Shared/Amazon_recommender  job 42 / run 777  finished ok`);
      expect(text).toContain(`code       github.com/acme/reco @ ${commit.slice(0, 7)} (clean)  branch main`);
      expect(text).toMatch(/data {7}delta:main\.reco\.orders@v12 {2}sha256:\S+ {2}\(≈1,204,332 rows\) {2}mlflow main\.reco\.orders@v12 9f1c4b2e/);
      expect(text).toMatch(/data {7}s3:\/\/lake\/orders\/2026-11-19 {2}sha256:\S+ {2}\(5,000 rows\)/);
      expect(text).toMatch(/env {8}python 3\.11\.7, mlflow 2\.17\.2, conda\.yaml sha256:\S+, python_env\.yaml sha256:\S+, requirements\.txt sha256:\S+/);

      // Findable by the dataset's source and its MLflow digest, downstream to the deployment.
      const fromTable = await traceApi({ id: 'delta:main.reco.orders@v12', direction: 'downstream' });
      expect(fromTable.nodes.map((n) => `${n.type}:${n.id}`)).toEqual(expect.arrayContaining([`run:${runId}`, 'model_version:amazon-recommender/1', 'deployment:prod#1']));
      expect((await traceApi({ id: '9f1c4b2e' })).start).toEqual(fromTable.start);
    } finally {
      for (const pid of pids) if (alive(pid)) process.kill(-pid, 'SIGKILL');
      await server.stop();
    }
  });
});
