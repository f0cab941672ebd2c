import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../../test/dialects.js';
import { answer, startMlflowHarness, type MlflowHarness } from './testing.js';

/**
 * The requests MLflow's Python client sends for the seed's training flow, in order: find or
 * create the experiment, start a run, log, upload an artifact, finish, and search by tag.
 */
describe.each(dialects)('MLflow training flow on %s', (dialect) => {
  let h: MlflowHarness;
  beforeAll(async () => {
    h = await startMlflowHarness(dialect);
  });
  afterAll(async () => h.close());

  it('replays set_experiment, start_run, logging, log_artifact, end_run and search_runs', async () => {
    const name = '/Shared/Amazon_recommender';
    expect(await answer(h.get('experiments/get-by-name', { experiment_name: name }))).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.stringContaining(name) },
    });
    const created = await answer(h.post('experiments/create', { name }));
    expect(created.status).toBe(200);
    const experimentId: string = created.body.experiment_id;
    expect(Object.keys(created.body)).toEqual(['experiment_id']);
    const experiment = await answer(h.get('experiments/get', { experiment_id: experimentId }));
    expect(experiment.body.experiment).toMatchObject({ experiment_id: experimentId, name, lifecycle_stage: 'active', artifact_location: `mlflow-artifacts:/${experimentId}` });

    const startTime = Date.now();
    const tags = [
      { key: 'mlflow.user', value: 'alice' },
      { key: 'mlflow.source.name', value: 'train.py' },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'mlflow.source.git.commit', value: '3f9d2c1' + '0'.repeat(33) },
      { key: 'mlflow.runName', value: 'amazon-recommender' },
    ];
    const run = await answer(h.post('runs/create', { experiment_id: experimentId, user_id: 'alice', start_time: startTime, tags, run_name: 'amazon-recommender' }));
    expect(run.status).toBe(200);
    const info = run.body.run.info;
    const runId: string = info.run_id;
    expect(info).toEqual({
      run_id: runId,
      run_uuid: runId,
      run_name: 'amazon-recommender',
      experiment_id: experimentId,
      user_id: 'alice',
      status: 'RUNNING',
      start_time: startTime,
      artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      lifecycle_stage: 'active',
    });
    expect(run.body.run.data.tags).toEqual(expect.arrayContaining(tags));
    expect(run.body.run.inputs).toEqual({});

    const now = Date.now();
    const batch = {
      run_id: runId,
      metrics: [
        { key: 'precision', value: 0.42, timestamp: now, step: 0 },
        { key: 'recall', value: 'NaN', timestamp: now, step: 0 },
      ],
      params: [
        { key: 'k', value: '5' },
        { key: 'min_support', value: '2' },
      ],
      tags: [
        { key: 'GIT_SHA', value: '3f9d2c1' },
        { key: 'MLFLOW_RUN_ID', value: runId },
        { key: 'DBR_JOB_ID', value: '42' },
        { key: 'DBR_RUN_ID', value: '777' },
      ],
    };
    expect(await answer(h.post('runs/log-batch', batch))).toEqual({ status: 200, body: {} });
    for (const step of [1, 2, 3]) {
      const logged = await answer(h.post('runs/log-metric', { run_id: runId, run_uuid: runId, key: 'loss', value: 1 / step, timestamp: now + step, step }));
      expect(logged).toEqual({ status: 200, body: {} });
    }
    expect(await answer(h.post('runs/log-parameter', { run_id: runId, key: 'epochs', value: '3' }))).toEqual({ status: 200, body: {} });
    expect(await answer(h.post('runs/set-tag', { run_id: runId, key: 'stage', value: 'train' }))).toEqual({ status: 200, body: {} });

    const history = await answer(h.get('metrics/get-history', { run_id: runId, metric_key: 'loss' }));
    expect(history.body.metrics).toEqual([1, 2, 3].map((step) => ({ key: 'loss', value: 1 / step, timestamp: now + step, step })));
    const paged = await answer(h.get('metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 2 }));
    expect(paged.body.metrics).toHaveLength(2);
    const rest = await answer(h.get('metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 2, page_token: paged.body.next_page_token }));
    expect(rest.body).toEqual({ metrics: [{ key: 'loss', value: 1 / 3, timestamp: now + 3, step: 3 }] });

    // log_artifact through the proxy: the run's artifact_uri resolves to this URL.
    const model = Buffer.from('pickled model bytes');
    const put = await fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/model.pkl`, { method: 'PUT', body: model });
    expect(await answer(put)).toEqual({ status: 200, body: {} });
    const mlmodel = '{"flavors": {}}';
    const putJson = await fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/MLmodel.json`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: mlmodel,
    });
    expect(putJson.status).toBe(200);
    expect(await answer(h.get('artifacts/list', { run_id: runId }))).toEqual({
      status: 200,
      body: { root_uri: info.artifact_uri, files: [{ path: 'model', is_dir: true }] },
    });
    expect((await answer(h.get('artifacts/list', { run_id: runId, path: 'model' }))).body.files).toEqual([
      { path: 'model/MLmodel.json', is_dir: false, file_size: mlmodel.length },
      { path: 'model/model.pkl', is_dir: false, file_size: model.length },
    ]);
    const proxyList = await answer(fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts?path=${experimentId}/${runId}/artifacts/model`));
    expect(proxyList.body.files).toEqual([
      { path: 'MLmodel.json', is_dir: false, file_size: mlmodel.length },
      { path: 'model.pkl', is_dir: false, file_size: model.length },
    ]);
    const download = await fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/MLmodel.json`);
    expect(await download.text()).toBe(mlmodel);
    const native = (await h.tl.runs.artifacts(runId)).find((a) => a.path === 'model/model.pkl');
    expect(native?.digest).toBe('sha256:' + createHash('sha256').update(model).digest('hex'));

    const endTime = Date.now();
    const finished = await answer(h.post('runs/update', { run_id: runId, run_uuid: runId, status: 'FINISHED', end_time: endTime }));
    expect(finished.body.run_info).toMatchObject({ run_id: runId, status: 'FINISHED', end_time: endTime });

    const got = (await answer(h.get('runs/get', { run_id: runId }))).body.run;
    expect(got.data.params).toEqual(expect.arrayContaining([{ key: 'k', value: '5' }, { key: 'epochs', value: '3' }]));
    expect(got.data.metrics).toEqual(
      expect.arrayContaining([
        { key: 'precision', value: 0.42, timestamp: now, step: 0 },
        { key: 'recall', value: 'NaN', timestamp: now, step: 0 },
        { key: 'loss', value: 1 / 3, timestamp: now + 3, step: 3 },
      ]),
    );

    // The seed's search, and the same run as the native API sees it.
    const other = await answer(h.post('runs/create', { experiment_id: experimentId, tags: [{ key: 'DBR_RUN_ID', value: '778' }] }));
    await h.post('runs/log-batch', { run_id: other.body.run.info.run_id, metrics: [{ key: 'precision', value: 0.9, timestamp: now }], params: [{ key: 'k', value: '5' }] });
    const search = (filter: string) => answer(h.post('runs/search', { experiment_ids: [experimentId], filter, run_view_type: 'ACTIVE_ONLY', max_results: 1000, order_by: [] }));
    const found = await search("metrics.precision > 0.1 and params.k = '5' and tags.DBR_RUN_ID = '777'");
    expect(found.status).toBe(200);
    expect(found.body.runs.map((r: { info: { run_id: string } }) => r.info.run_id)).toEqual([runId]);
    // Search results are loaded in bulk; they must say exactly what runs/get says.
    expect(found.body.runs[0]).toEqual(got);
    expect(found.body.next_page_token).toBeUndefined();
    expect((await search("metrics.precision > 0.1 and params.k = '5'")).body.runs).toHaveLength(2);
    expect((await search("tags.DBR_RUN_ID = '999'")).body).toEqual({});

    const nativeRun = (await answer(fetch(`${h.url}/api/runs/${runId}`))).body;
    expect(nativeRun.info).toMatchObject({ runId, experimentId, name: 'amazon-recommender', status: 'FINISHED', endTime });
    expect(nativeRun.tags).toMatchObject({ DBR_RUN_ID: '777', GIT_SHA: '3f9d2c1' });
    expect(nativeRun.artifacts.map((a: { path: string }) => a.path)).toEqual(['model/MLmodel.json', 'model/model.pkl']);
  });

  it('serves the same endpoints under /ajax-api', async () => {
    const created = await answer(fetch(`${h.url}/ajax-api/2.0/mlflow/experiments/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"ajax"}' }));
    expect(created.status).toBe(200);
    const got = await answer(fetch(`${h.url}/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=ajax`));
    expect(got.body.experiment.experiment_id).toBe(created.body.experiment_id);
  });
});
