import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../../test/dialects.js';
import { answer, startMlflowHarness, type MlflowHarness } from './testing.js';

/** Experiments and runs through their lifecycle, and what log-model and log-inputs record. */
describe.each(dialects)('MLflow lifecycle endpoints on %s', (dialect) => {
  let h: MlflowHarness;
  beforeAll(async () => {
    h = await startMlflowHarness(dialect);
  });
  afterAll(async () => h.close());

  const ok = { status: 200, body: {} };

  it('renames, tags, deletes, restores and searches experiments', async () => {
    const id: string = (await answer(h.post('experiments/create', { name: 'reco', tags: [{ key: 'team', value: 'ml' }] }))).body.experiment_id;
    expect(await answer(h.post('experiments/update', { experiment_id: id, new_name: 'reco-v2' }))).toEqual(ok);
    expect(await answer(h.post('experiments/set-experiment-tag', { experiment_id: id, key: 'owner', value: 'alice' }))).toEqual(ok);
    expect(await answer(h.post('experiments/delete-experiment-tag', { experiment_id: id, key: 'team' }))).toEqual(ok);
    const got = (await answer(h.get('experiments/get-by-name', { experiment_name: 'reco-v2' }))).body.experiment;
    expect(got).toMatchObject({ experiment_id: id, name: 'reco-v2', tags: [{ key: 'owner', value: 'alice' }] });

    const search = (body: object) => answer(h.post('experiments/search', body));
    expect((await search({ filter: "tags.owner = 'alice'" })).body.experiments.map((e: { name: string }) => e.name)).toEqual(['reco-v2']);
    expect(await answer(h.post('experiments/delete', { experiment_id: id }))).toEqual(ok);
    expect((await search({ filter: "name = 'reco-v2'" })).body).toEqual({});
    expect((await search({ filter: "name = 'reco-v2'", view_type: 'DELETED_ONLY' })).body.experiments).toHaveLength(1);
    expect(await answer(h.post('experiments/restore', { experiment_id: id }))).toEqual(ok);
    const all = await answer(h.get('experiments/search', { max_results: 1, view_type: 'ALL' }));
    expect(all.body.experiments).toHaveLength(1);
    expect(all.body.next_page_token).toEqual(expect.any(String));
    const next = await answer(h.get('experiments/search', { max_results: 1, view_type: 'ALL', page_token: all.body.next_page_token }));
    expect(next.body.experiments[0].experiment_id).not.toBe(all.body.experiments[0].experiment_id);
  });

  it('deletes and restores runs, renames them through run_name and the mlflow.runName tag', async () => {
    const runId: string = (await answer(h.post('runs/create', { experiment_id: '0', run_name: 'first' }))).body.run.info.run_id;
    expect((await answer(h.post('runs/update', { run_uuid: runId, run_name: 'second' }))).body.run_info.run_name).toBe('second');
    await h.post('runs/set-tag', { run_id: runId, key: 'mlflow.runName', value: 'third' });
    expect((await answer(h.get('runs/get', { run_id: runId }))).body.run.info.run_name).toBe('third');

    expect(await answer(h.post('runs/delete', { run_id: runId }))).toEqual(ok);
    const ids = async (view: string) => ((await answer(h.post('runs/search', { experiment_ids: ['0'], run_view_type: view }))).body.runs ?? []).map((r: { info: { run_id: string } }) => r.info.run_id);
    expect(await ids('ACTIVE_ONLY')).not.toContain(runId);
    expect(await ids('DELETED_ONLY')).toEqual([runId]);
    expect((await answer(h.post('runs/log-parameter', { run_id: runId, key: 'a', value: '1' }))).body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(await answer(h.post('runs/restore', { run_id: runId }))).toEqual(ok);
    expect(await ids('ALL')).toContain(runId);

    await h.post('runs/set-tag', { run_id: runId, key: 'temp', value: 'x' });
    expect(await answer(h.post('runs/delete-tag', { run_id: runId, key: 'temp' }))).toEqual(ok);
    expect((await answer(h.post('runs/delete-tag', { run_id: runId, key: 'temp' }))).status).toBe(404);
  });

  it('appends log-model calls to mlflow.log-model.history', async () => {
    const runId: string = (await answer(h.post('runs/create', { experiment_id: '0' }))).body.run.info.run_id;
    const model = (path: string) => ({ run_id: runId, artifact_path: path, utc_time_created: '2026-11-25 10:00:00.000000', flavors: { python_function: { loader_module: 'mlflow.sklearn' } } });
    expect(await answer(h.post('runs/log-model', { run_id: runId, model_json: JSON.stringify(model('model')) }))).toEqual(ok);
    expect(await answer(h.post('runs/log-model', { run_id: runId, model_json: JSON.stringify(model('model2')) }))).toEqual(ok);
    const tags = (await answer(h.get('runs/get', { run_id: runId }))).body.run.data.tags as { key: string; value: string }[];
    expect(JSON.parse(tags.find((t) => t.key === 'mlflow.log-model.history')!.value)).toEqual([model('model'), model('model2')]);
    const missing = await answer(h.post('runs/log-model', { run_id: runId, model_json: '{"artifact_path": "m"}' }));
    expect(missing.body.message).toMatch(/^Model json is missing mandatory fields: \{'flavors', 'utc_time_created', 'run_id'\}/);
    expect((await answer(h.post('runs/log-model', { run_id: runId, model_json: 'not json' }))).body.message).toMatch(/^Malformed model info/);
  });

  it('echoes log-inputs datasets under inputs.dataset_inputs, idempotently', async () => {
    const runId: string = (await answer(h.post('runs/create', { experiment_id: '0' }))).body.run.info.run_id;
    const input = {
      tags: [{ key: 'mlflow.data.context', value: 'training' }],
      dataset: { name: 'orders (2026-11-19)', digest: '77e0ab12', source_type: 'local', source: '{"uri": "/data/orders.csv"}', schema: '{"mlflow_colspec": []}' },
    };
    expect(await answer(h.post('runs/log-inputs', { run_id: runId, datasets: [input] }))).toEqual(ok);
    expect(await answer(h.post('runs/log-inputs', { run_id: runId, datasets: [input] }))).toEqual(ok);
    const run = (await answer(h.get('runs/get', { run_id: runId }))).body.run;
    expect(run.inputs).toEqual({ dataset_inputs: [input] });
    expect(run.data.tags.some((t: { key: string }) => t.key.startsWith('mlflow.dataset.'))).toBe(false);
    const bad = await answer(h.post('runs/log-inputs', { run_id: runId, datasets: [{ dataset: { name: 'x', digest: 'y', source_type: 'local' } }] }));
    expect(bad.body.message).toContain("'dataset.source'");
  });

  it('deletes proxied artifacts and lists empty folders as {}', async () => {
    const run = (await answer(h.post('runs/create', { experiment_id: '0' }))).body.run.info;
    const base = `${h.url}/ajax-api/2.0/mlflow-artifacts/artifacts/0/${run.run_id}/artifacts`;
    expect((await fetch(`${base}/plots/roc.png`, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: Buffer.from([137, 80, 78, 71]) })).status).toBe(200);
    expect((await fetch(`${base}/empty.txt`, { method: 'PUT', headers: { 'content-type': 'text/plain' } })).status).toBe(200);
    const png = await fetch(`${base}/plots/roc.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await png.arrayBuffer())]).toEqual([137, 80, 78, 71]);
    expect(await (await fetch(`${base}/empty.txt`)).text()).toBe('');
    expect(await answer(fetch(`${base}/plots`, { method: 'DELETE' }))).toEqual(ok);
    expect((await answer(h.get('artifacts/list', { run_id: run.run_id }))).body.files).toEqual([{ path: 'empty.txt', is_dir: false, file_size: 0 }]);
    expect((await answer(h.get('artifacts/list', { run_id: run.run_id, path: 'plots' }))).body).toEqual({ root_uri: run.artifact_uri });
  });
});
