import { expect } from 'vitest';

/**
 * The HTTP requests MLflow 3.6's Python client makes, replayed one by one as its source writes
 * them (fork opendatahub-io/mlflow: mlflow/store/tracking/rest_store.py, mlflow/models/model.py
 * `Model.log`, mlflow/tracking/_model_registry/fluent.py `_register_model`,
 * mlflow/store/artifact/http_artifact_repo.py). The 3.x client itself needs pydantic 2 and
 * cannot be installed here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body: each test asserts the fields it reads
type Json = Record<string, any>;

export interface Mlflow3Client {
  url: string;
  /** What the client sends to authenticate (MLFLOW_TRACKING_TOKEN as Bearer, or USERNAME/PASSWORD as Basic). */
  auth: Record<string, string>;
  call(method: string, endpoint: string, body?: unknown): Promise<{ status: number; body: Json }>;
}

export function mlflow3Client(url: string, base = '/api/2.0/mlflow', auth: Record<string, string> = {}): Mlflow3Client {
  return {
    url,
    auth,
    async call(method, endpoint, body) {
      // GETs carry their fields in the query string, as the client's call_endpoint does.
      let target = `${url}${base}/${endpoint}`;
      const init: RequestInit = { method, headers: { ...auth } };
      if (method === 'GET' && body) target += `?${new URLSearchParams(body as Record<string, string>)}`;
      else if (body !== undefined) init.body = JSON.stringify(body);
      if (init.body) init.headers = { ...auth, 'content-type': 'application/json' };
      const r = await fetch(target, init);
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : {} };
    },
  };
}

async function ok(promise: ReturnType<Mlflow3Client['call']>): Promise<Json> {
  const { status, body } = await promise;
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

/** The files `mlflow.pyfunc.log_model` writes for a python_model (python_model.pkl a stand-in). */
export function pyfuncFiles(experimentId: string, modelId: string, runId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MLmodel: [
      `artifact_path: mlflow-artifacts:/${experimentId}/models/${modelId}/artifacts`,
      'flavors:',
      '  python_function:',
      '    cloudpickle_version: 3.1.1',
      '    code: null',
      '    env:',
      '      conda: conda.yaml',
      '      virtualenv: python_env.yaml',
      '    loader_module: mlflow.pyfunc.model',
      '    python_model: python_model.pkl',
      '    python_version: 3.11.7',
      'is_signature_from_type_hint: false',
      'mlflow_version: 3.6.0',
      `model_id: ${modelId}`,
      `model_uuid: ${modelId}`,
      'prompts: null',
      `run_id: ${runId}`,
      'signature:',
      `  inputs: '[{"type": "string", "name": "basket", "required": true}]'`,
      `  outputs: '[{"type": "string", "required": true}]'`,
      '  params: null',
      'type_hint_from_example: false',
      `utc_time_created: '2026-12-06 21:00:00.000000'`,
      '',
    ].join('\n'),
    'python_model.pkl': '\u0080\u0004\u0095 cloudpickle stand-in',
    'requirements.txt': 'mlflow==3.6.0\ncloudpickle==3.1.1\npandas==2.2.3\nscikit-learn==1.5.2\n',
    'conda.yaml': 'channels:\n- conda-forge\ndependencies:\n- python=3.11.7\n- pip<=24.2\n- pip:\n  - mlflow==3.6.0\n  - cloudpickle==3.1.1\n  - pandas==2.2.3\n  - scikit-learn==1.5.2\nname: mlflow-env\n',
    'python_env.yaml': 'python: 3.11.7\nbuild_dependencies:\n- pip==24.2\n- setuptools\n- wheel\ndependencies:\n- -r requirements.txt\n',
    ...extra,
  };
}

export interface LoggedModelResult {
  modelId: string;
  artifactUri: string;
  files: Record<string, string>;
}

/**
 * `mlflow.pyfunc.log_model(name="model", python_model=…)` inside an active run (Model.log):
 * get_run → create_logged_model (run params, context tags) → log_outputs → the step's metrics
 * re-logged with the model id → log_model_artifacts (PUT each file through the proxy) →
 * finalize READY.
 */
export async function logPyfuncModel(c: Mlflow3Client, experimentId: string, runId: string, extraFiles: Record<string, string> = {}): Promise<LoggedModelResult> {
  const run = (await ok(c.call('GET', 'runs/get', { run_id: runId }))).run;
  const params = run.data.params ?? [];
  const tags = [
    { key: 'mlflow.user', value: 'alice' },
    { key: 'mlflow.source.name', value: 'train.py' },
    { key: 'mlflow.source.type', value: 'LOCAL' },
    { key: 'mlflow.source.git.commit', value: '3f9d2c1'.padEnd(40, '0') },
  ];
  const created = (await ok(c.call('POST', 'logged-models', { experiment_id: experimentId, name: 'model', source_run_id: runId, params, tags }))).model;
  expect(created.info).toMatchObject({ experiment_id: experimentId, name: 'model', source_run_id: runId, status: 'LOGGED_MODEL_PENDING', artifact_uri: `mlflow-artifacts:/${experimentId}/models/${created.info.model_id}/artifacts` });
  const modelId: string = created.info.model_id;
  expect(modelId).toMatch(/^m-[0-9a-f]{32}$/);

  await ok(c.call('POST', 'runs/outputs', { run_id: runId, models: [{ model_id: modelId, step: 0 }] }));
  // log_model_metrics_for_step: every metric of step 0 without a model id, logged again with it.
  const keys = ((await ok(c.call('GET', 'runs/get', { run_id: runId }))).run.data.metrics ?? []).map((m: { key: string }) => m.key);
  const relinked = [];
  for (const key of keys) {
    const history = (await ok(c.call('GET', 'metrics/get-history', { run_id: runId, metric_key: key }))).metrics ?? [];
    relinked.push(...history.filter((m: { step: number; model_id?: string }) => m.step === 0 && !m.model_id).map((m: object) => ({ ...m, run_id: runId, model_id: modelId })));
  }
  await ok(c.call('POST', 'runs/log-batch', { run_id: runId, metrics: relinked, params: [], tags: [] }));

  const files = pyfuncFiles(experimentId, modelId, runId, extraFiles);
  for (const [name, text] of Object.entries(files)) {
    const put = await fetch(`${c.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/models/${modelId}/artifacts/${name}`, { method: 'PUT', headers: c.auth, body: text });
    expect(put.status, await put.clone().text()).toBe(200);
  }
  const ready = (await ok(c.call('PATCH', `logged-models/${modelId}`, { model_id: modelId, status: 'LOGGED_MODEL_READY' }))).model;
  expect(ready.info.status).toBe('LOGGED_MODEL_READY');
  return { modelId, artifactUri: ready.info.artifact_uri, files };
}

/**
 * `mlflow.register_model("models:/<model_id>", name)`: create the registered model (an existing
 * one answers RESOURCE_ALREADY_EXISTS, which the client ignores), create the version with the
 * model id, then append the version to the logged model's `mlflow.modelVersions` tag.
 */
export async function registerLoggedModel(c: Mlflow3Client, modelId: string, name: string): Promise<Json> {
  const registered = await c.call('POST', 'registered-models/create', { name });
  expect([200, 400]).toContain(registered.status);
  if (registered.status === 400) expect(registered.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  const version = (await ok(c.call('POST', 'model-versions/create', { name, source: `models:/${modelId}`, model_id: modelId }))).model_version;
  const model = (await ok(c.call('GET', `logged-models/${modelId}`))).model;
  const existing = (model.info.tags ?? []).find((t: { key: string }) => t.key === 'mlflow.modelVersions')?.value;
  const value = JSON.stringify([...(existing ? JSON.parse(existing) : []), { name, version: version.version }]);
  await ok(c.call('PATCH', `logged-models/${modelId}/tags`, { tags: [{ key: 'mlflow.modelVersions', value }] }));
  return version;
}
