import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../../test/dialects.js';
import { logPyfuncModel, mlflow3Client, registerLoggedModel, type Mlflow3Client } from '../../../test/mlflow3-client.js';
import { startMlflowHarness, type MlflowHarness } from './testing.js';

/** MLflow 3's LoggedModel flow, request by request as the 3.6 client sends it, and its refusals. */
describe.each(dialects)('MLflow 3 logged models on %s', (dialect) => {
  let h: MlflowHarness;
  let c: Mlflow3Client;
  beforeAll(async () => {
    h = await startMlflowHarness(dialect);
    c = mlflow3Client(h.url);
  });
  afterAll(async () => h.close());

  it('replays start_run, log_metric with a model and dataset, pyfunc.log_model, register_model and load_model', async () => {
    const experimentId: string = (await c.call('POST', 'experiments/create', { name: 'reco3' })).body.experiment_id;
    const runId: string = (await c.call('POST', 'runs/create', { experiment_id: experimentId, run_name: 'train' })).body.run.info.run_id;
    const now = Date.now();
    await c.call('POST', 'runs/log-batch', { run_id: runId, params: [{ key: 'k', value: '5' }], metrics: [{ key: 'precision', value: 0.42, timestamp: now, step: 0 }] });

    const { modelId, artifactUri, files } = await logPyfuncModel(c, experimentId, runId);
    // mlflow.log_metric("recall", 0.7, model_id=…, dataset=eval_ds) after logging.
    const logged = await c.call('POST', 'runs/log-metric', { run_id: runId, key: 'recall', value: 0.7, timestamp: now + 1, step: 1, model_id: modelId, dataset_name: 'orders-eval', dataset_digest: 'd1e2f3' });
    expect(logged).toEqual({ status: 200, body: {} });

    const model = (await c.call('GET', `logged-models/${modelId}`)).body.model;
    expect(model.info).toMatchObject({ model_id: modelId, experiment_id: experimentId, name: 'model', source_run_id: runId, status: 'LOGGED_MODEL_READY', artifact_uri: artifactUri });
    expect(model.info.tags).toEqual(expect.arrayContaining([{ key: 'mlflow.user', value: 'alice' }]));
    expect(model.data.params).toEqual([{ key: 'k', value: '5' }]);
    expect(model.data.metrics).toEqual([
      { key: 'precision', value: 0.42, timestamp: now, step: 0, model_id: modelId, run_id: runId },
      { key: 'recall', value: 0.7, timestamp: now + 1, step: 1, dataset_name: 'orders-eval', dataset_digest: 'd1e2f3', model_id: modelId, run_id: runId },
    ]);
    expect((await c.call('GET', 'metrics/get-history', { run_id: runId, metric_key: 'recall' })).body.metrics).toEqual([
      { key: 'recall', value: 0.7, timestamp: now + 1, step: 1, dataset_name: 'orders-eval', dataset_digest: 'd1e2f3', model_id: modelId },
    ]);
    const run = (await c.call('GET', 'runs/get', { run_id: runId })).body.run;
    expect(run.outputs).toEqual({ model_outputs: [{ model_id: modelId, step: 0 }] });

    // The model's files: listed through the API and the proxy, downloaded byte for byte.
    const listing = (await c.call('GET', `logged-models/${modelId}/artifacts/directories`)).body;
    expect(listing.root_uri).toBe(artifactUri);
    expect(listing.files.map((f: { path: string }) => f.path)).toEqual(Object.keys(files).sort());
    const proxied = (await (await fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts?path=${experimentId}/models/${modelId}/artifacts`)).json()) as { files: unknown[] };
    expect(proxied.files).toContainEqual({ path: 'MLmodel', is_dir: false, file_size: Buffer.byteLength(files.MLmodel!) });
    const conda = await fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/models/${modelId}/artifacts/conda.yaml`);
    expect(await conda.text()).toBe(files['conda.yaml']);
    const ajax = await fetch(`${h.url}/ajax-api/2.0/mlflow/logged-models/${modelId}/artifacts/files?artifact_file_path=requirements.txt`);
    expect(await ajax.text()).toBe(files['requirements.txt']);

    const version = await registerLoggedModel(c, modelId, 'reco');
    expect(version).toMatchObject({ name: 'reco', version: '1', source: `models:/${modelId}`, run_id: runId, model_id: modelId, status: 'READY' });
    expect((await c.call('GET', 'model-versions/get-download-uri', { name: 'reco', version: '1' })).body).toEqual({ artifact_uri: artifactUri });
    const registered = (await c.call('GET', `logged-models/${modelId}`)).body.model.info;
    expect(registered.registrations).toEqual([{ name: 'reco', version: '1' }]);
    const native = await h.tl.models.getVersion('reco', 1);
    expect(native.artifactDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(native.signature).toContain('basket');

    // search_logged_models: filters on attributes, params, tags and metrics, datasets, order.
    const second = await logPyfuncModel(c, experimentId, runId);
    await c.call('POST', 'runs/log-metric', { run_id: runId, key: 'recall', value: 0.9, timestamp: now + 2, step: 1, model_id: second.modelId, dataset_name: 'orders-eval', dataset_digest: 'd1e2f3' });
    const search = async (body: object) => {
      const found = await c.call('POST', 'logged-models/search', { experiment_ids: [experimentId], ...body });
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      return (found.body.models ?? []).map((m: { info: { model_id: string } }) => m.info.model_id);
    };
    expect(await search({})).toEqual([second.modelId, modelId]);
    expect(await search({ filter: `name = 'model' AND params.k = '5' AND tags.\`mlflow.user\` = 'alice' AND status = 'READY'` })).toHaveLength(2);
    expect(await search({ filter: 'metrics.recall > 0.8' })).toEqual([second.modelId]);
    expect(await search({ filter: 'metrics.recall > 0.5', datasets: [{ dataset_name: 'orders-train' }] })).toEqual([]);
    expect(await search({ datasets: [{ dataset_name: 'orders-eval', dataset_digest: 'd1e2f3' }], order_by: [{ field_name: 'metrics.recall', ascending: true, dataset_name: 'orders-eval' }] })).toEqual([modelId, second.modelId]);
    expect(await search({ filter: `model_id IN ('${modelId}')` })).toEqual([modelId]);
    expect(await search({ order_by: [{ field_name: 'creation_timestamp', ascending: true }] })).toEqual([modelId, second.modelId]);
    const page = await c.call('POST', 'logged-models/search', { experiment_ids: [experimentId], max_results: 1 });
    expect(page.body.models).toHaveLength(1);
    const next = await c.call('POST', 'logged-models/search', { experiment_ids: [experimentId], max_results: 1, page_token: page.body.next_page_token });
    expect(next.body.models[0].info.model_id).toBe(modelId);
    expect(next.body.next_page_token).toBeUndefined();

    // Tags, params and delete.
    expect((await c.call('PATCH', `logged-models/${second.modelId}/tags`, { tags: [{ key: 'stage', value: 'eval' }] })).status).toBe(200);
    expect((await c.call('DELETE', `logged-models/${second.modelId}/tags/stage`)).status).toBe(200);
    expect((await c.call('POST', `logged-models/${second.modelId}/params`, { model_id: second.modelId, params: [{ key: 'alpha', value: '0.1' }] })).status).toBe(200);
    expect((await c.call('GET', `logged-models/${second.modelId}`)).body.model.data.params).toEqual([{ key: 'alpha', value: '0.1' }, { key: 'k', value: '5' }]);
    expect((await c.call('DELETE', `logged-models/${second.modelId}`)).status).toBe(200);
    expect(await search({})).toEqual([modelId]);
    expect((await c.call('GET', `logged-models/${second.modelId}`)).status).toBe(404);

    // The native entity: its file manifest is the version's artifact; its files declare the environment of it and of its run.
    const entity = await h.tl.loggedModels.get(modelId);
    expect(entity.artifactDigest).toBe(native.artifactDigest);
    expect(entity.environmentDigest).toMatch(/^sha256:/);
    const trained = await h.tl.runs.get(runId);
    expect(trained.info.environmentDigest).toBe(entity.environmentDigest);
    expect(trained.environment?.runtimes).toEqual({ python: '3.11.7', mlflow: '3.6.0' });
  });

  it("refuses what MLflow refuses, with MLflow's error codes, and never answers 5xx to a malformed body", async () => {
    const experimentId: string = (await c.call('POST', 'experiments/create', { name: 'refusals' })).body.experiment_id;
    const runId: string = (await c.call('POST', 'runs/create', { experiment_id: experimentId })).body.run.info.run_id;
    const model = (await c.call('POST', 'logged-models', { experiment_id: experimentId })).body.model;
    const id: string = model.info.model_id;
    expect(model.info.name).toMatch(/^model-[0-9a-f]{8}$/);
    const code = async (method: string, endpoint: string, body?: unknown) => {
      const r = await c.call(method, endpoint, body);
      return [r.status, r.body.error_code];
    };
    const unknown = 'm-' + '0'.repeat(32);
    expect(await code('POST', 'logged-models', {})).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models', { experiment_id: '9999' })).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    expect(await code('POST', 'logged-models', { experiment_id: experimentId, name: 'a/b' })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models', { experiment_id: experimentId, params: 'x' })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models', { experiment_id: experimentId, tags: [{ value: 'x' }] })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('GET', `logged-models/${unknown}`)).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    expect(await code('GET', 'logged-models/not-an-id')).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    expect(await code('PATCH', `logged-models/${id}`, {})).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('PATCH', `logged-models/${id}`, { status: 'DONE' })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('PATCH', `logged-models/${id}`, { status: { a: 1 } })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('PATCH', `logged-models/${unknown}`, { status: 2 })).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    expect(await code('DELETE', `logged-models/${id}/tags/missing`)).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    expect(await code('PATCH', `logged-models/${id}/tags`, { tags: [{ key: '', value: 'x' }] })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', `logged-models/${id}/params`, { params: [{ key: 'a', value: '1' }] })).toEqual([200, undefined]);
    expect(await code('POST', `logged-models/${id}/params`, { params: [{ key: 'a', value: '2' }] })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models/search', {})).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models/search', { experiment_ids: [experimentId], filter: 'metrics.acc > ' })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models/search', { experiment_ids: [experimentId], filter: "metrics.acc = 'x'" })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models/search', { experiment_ids: [experimentId], filter: 'colour = 1' })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models/search', { experiment_ids: [experimentId], order_by: [{ field_name: 'params.k' }] })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models/search', { experiment_ids: [experimentId], order_by: [{ field_name: 'colour' }] })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models/search', { experiment_ids: [experimentId], datasets: [{ dataset_digest: 'x' }] })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models/search', { experiment_ids: [experimentId], page_token: 'garbage!' })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'logged-models/search', { experiment_ids: [experimentId], max_results: 0 })).toEqual([200, undefined]);
    expect(await code('POST', 'logged-models/search', { experiment_ids: [experimentId], max_results: -1 })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'runs/outputs', { run_id: runId })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'runs/outputs', { run_id: runId, models: [{ step: 1 }] })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'runs/outputs', { run_id: runId, models: [{ model_id: unknown, step: 1 }] })).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    expect(await code('POST', 'runs/log-inputs', { run_id: runId, models: [{ model_id: id }] })).toEqual([200, undefined]);
    expect((await c.call('GET', 'runs/get', { run_id: runId })).body.run.inputs).toEqual({ model_inputs: [{ model_id: id }] });
    expect(await code('POST', 'runs/log-inputs', { run_id: runId, models: 'x' })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(await code('POST', 'model-versions/create', { name: 'nope', source: `models:/${unknown}` })).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    await c.call('POST', 'registered-models/create', { name: 'refused' });
    expect(await code('POST', 'model-versions/create', { name: 'refused', source: `models:/${unknown}`, model_id: unknown })).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    const put = await fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/models/${unknown}/artifacts/MLmodel`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(404);
    const wrongExperiment = await fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts/0/models/${id}/artifacts/MLmodel`, { method: 'PUT', body: 'x' });
    expect(wrongExperiment.status).toBe(404);
    // Longer than the store's columns: refused before anything is written, on both dialects.
    expect(await code('POST', 'runs/log-metric', { run_id: runId, key: 'k', value: 1, timestamp: 1, model_id: id, dataset_digest: 'd'.repeat(300) })).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect((await c.call('GET', 'metrics/get-history', { run_id: runId, metric_key: 'k' })).body).toEqual({});
    const longPath = await fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/models/${id}/artifacts/${'a'.repeat(1001)}`, { method: 'PUT', body: 'x' });
    expect(longPath.status).toBe(400);
    const longType = await fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/models/${id}/artifacts/MLmodel`, { method: 'PUT', headers: { 'content-type': `text/${'x'.repeat(300)}` }, body: 'x' });
    expect(longType.status).toBe(400);
    const notJson = await fetch(`${h.url}/api/2.0/mlflow/logged-models`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"experiment_id":' });
    expect(notJson.status).toBe(400);
  });
});
