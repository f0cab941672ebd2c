import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../../test/dialects.js';
import { answer, startMlflowHarness, type MlflowHarness } from './testing.js';

/**
 * The model registry requests MLflow's Python client sends (2.x `register_model`,
 * `search_model_versions`, `set_registered_model_alias`, `models:/` downloads), replayed as sent:
 * GET fields in the query string, POST/PATCH/DELETE fields in a JSON body.
 */
describe.each(dialects)('MLflow model registry API on %s', (dialect) => {
  let h: MlflowHarness;
  let runId: string;
  const model = Buffer.from('pickled weights');
  const mlmodel = Buffer.from(`flavors: {}\nsignature:\n  inputs: '[{"type": "long", "name": "user"}]'\n  outputs: '[{"type": "long"}]'\n`);

  beforeAll(async () => {
    h = await startMlflowHarness(dialect);
    const run = await answer(h.post('runs/create', { experiment_id: '0', start_time: Date.now(), tags: [{ key: 'DBR_RUN_ID', value: '777' }] }));
    runId = run.body.run.info.run_id;
    for (const [file, body] of [['model.pkl', model], ['MLmodel', mlmodel]] as const) {
      const put = await fetch(`${h.url}/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/model/${file}`, { method: 'PUT', body });
      expect(put.status).toBe(200);
    }
  });
  afterAll(async () => h.close());

  const send = (method: 'PATCH' | 'DELETE', endpoint: string, body: unknown) =>
    answer(fetch(`${h.url}/api/2.0/mlflow/${endpoint}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));

  it("registers, finds the version by the seed's tag filter, aliases it and gives its download URI", async () => {
    // mlflow.register_model('runs:/<run>/model', 'amazon-recommender', tags=…)
    const created = await answer(h.post('registered-models/create', { name: 'amazon-recommender' }));
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ registered_model: { name: 'amazon-recommender', creation_timestamp: expect.any(Number), last_updated_timestamp: expect.any(Number) } });
    const source = `mlflow-artifacts:/0/${runId}/artifacts/model`;
    const version = await answer(h.post('model-versions/create', { name: 'amazon-recommender', source, run_id: runId, tags: [{ key: 'DBR_RUN_ID', value: '777' }, { key: 'GIT_SHA', value: 'abc123' }] }));
    expect(version).toEqual({
      status: 200,
      body: {
        model_version: {
          name: 'amazon-recommender',
          version: '1',
          creation_timestamp: expect.any(Number),
          last_updated_timestamp: expect.any(Number),
          current_stage: 'None',
          source,
          run_id: runId,
          status: 'READY',
          tags: [
            { key: 'DBR_RUN_ID', value: '777' },
            { key: 'GIT_SHA', value: 'abc123' },
          ],
        },
      },
    });
    // The client polls until READY.
    expect((await answer(h.get('model-versions/get', { name: 'amazon-recommender', version: '1' }))).body.model_version.status).toBe('READY');
    // The version is in the lineage: its run and the digest of the model folder.
    const manifest = `MLmodel\t${digestOf(mlmodel)}\nmodel.pkl\t${digestOf(model)}\n`;
    const stored = await h.tl.models.getVersion('amazon-recommender', 1);
    expect(stored.artifactDigest).toBe(digestOf(Buffer.from(manifest)));
    expect(JSON.parse(stored.signature!)).toEqual({ inputs: '[{"type": "long", "name": "user"}]', outputs: '[{"type": "long"}]' });

    await answer(h.post('model-versions/create', { name: 'amazon-recommender', source: 's3://elsewhere/model', tags: [{ key: 'DBR_RUN_ID', value: '778' }] }));
    const found = await answer(h.get('model-versions/search', { filter: "name='amazon-recommender' and tag.DBR_RUN_ID = '777'", max_results: 200000 }));
    expect(found.status).toBe(200);
    expect(found.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['1']);
    expect(await answer(h.get('model-versions/search', { filter: "name='nothing'" }))).toEqual({ status: 200, body: {} });

    expect(await answer(h.post('registered-models/alias', { name: 'amazon-recommender', alias: 'champion', version: '1' }))).toEqual({ status: 200, body: {} });
    const byAlias = await answer(h.get('registered-models/alias', { name: 'amazon-recommender', alias: 'champion' }));
    expect(byAlias.body.model_version).toMatchObject({ version: '1', aliases: ['champion'] });
    const got = await answer(h.get('registered-models/get', { name: 'amazon-recommender' }));
    expect(got.body.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);
    expect(got.body.registered_model.latest_versions.map((v: { version: string }) => v.version)).toEqual(['2']);

    // models:/amazon-recommender@champion → get-by-alias, then get-download-uri.
    expect(await answer(h.get('model-versions/get-download-uri', { name: 'amazon-recommender', version: '1' }))).toEqual({ status: 200, body: { artifact_uri: source } });
    const runsSource = await answer(h.post('model-versions/create', { name: 'amazon-recommender', source: `runs:/${runId}/model` }));
    expect((await answer(h.get('model-versions/get-download-uri', { name: 'amazon-recommender', version: runsSource.body.model_version.version }))).body.artifact_uri).toBe(source);

    await send('DELETE', 'registered-models/alias', { name: 'amazon-recommender', alias: 'champion' });
    expect((await h.tl.models.history('amazon-recommender')).map((m) => [m.fromVersion, m.toVersion])).toEqual([
      [null, 1],
      [1, null],
    ]);
  });

  it('updates, tags, transitions, searches, renames and deletes with MLflow field names', async () => {
    await answer(h.post('registered-models/create', { name: 'm', description: 'd', tags: [{ key: 'team', value: 'ml' }] }));
    for (let i = 0; i < 2; i++) await answer(h.post('model-versions/create', { name: 'm', source: `s3://b/${i}` }));
    expect((await send('PATCH', 'registered-models/update', { name: 'm', description: 'new' })).body.registered_model.description).toBe('new');
    expect((await send('PATCH', 'model-versions/update', { name: 'm', version: '1', description: 'v1' })).body.model_version.description).toBe('v1');
    await answer(h.post('model-versions/set-tag', { name: 'm', version: '1', key: 'k', value: 'v' }));
    await send('DELETE', 'model-versions/delete-tag', { name: 'm', version: '1', key: 'k' });
    await answer(h.post('registered-models/set-tag', { name: 'm', key: 'owner', value: 'ana' }));
    await send('DELETE', 'registered-models/delete-tag', { name: 'm', key: 'team' });
    await answer(h.post('model-versions/transition-stage', { name: 'm', version: '1', stage: 'Production', archive_existing_versions: false }));
    const moved = await answer(h.post('model-versions/transition-stage', { name: 'm', version: '2', stage: 'Production', archive_existing_versions: true }));
    expect(moved.body.model_version.current_stage).toBe('Production');
    const latest = await answer(h.post('registered-models/get-latest-versions', { name: 'm', stages: ['Production'] }));
    expect(latest.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['2']);
    expect((await answer(h.get('model-versions/get', { name: 'm', version: '1' }))).body.model_version.current_stage).toBe('Archived');
    const search = await answer(h.get('registered-models/search', { filter: "name LIKE 'm%' and tags.owner = 'ana'", max_results: 1 }));
    expect(search.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['m']);
    expect(search.body.registered_models[0].tags).toEqual([{ key: 'owner', value: 'ana' }]);
    expect((await answer(h.post('registered-models/rename', { name: 'm', new_name: 'm2' }))).body.registered_model.name).toBe('m2');
    expect(await send('DELETE', 'model-versions/delete', { name: 'm2', version: '1' })).toEqual({ status: 200, body: {} });
    expect(await send('DELETE', 'registered-models/delete', { name: 'm2' })).toEqual({ status: 200, body: {} });
    expect((await answer(h.get('registered-models/get', { name: 'm2' }))).status).toBe(404);
    // The UI's prefix answers the same.
    const ajax = await fetch(`${h.url}/ajax-api/2.0/mlflow/registered-models/search`);
    expect(ajax.status).toBe(200);
  });

  it("answers bad inputs with MLflow's error codes", async () => {
    const missing = await answer(h.get('registered-models/get', { name: 'ghost' }));
    expect(missing).toEqual({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=ghost not found' } });
    expect((await answer(h.get('model-versions/get', { name: 'ghost', version: '1' }))).status).toBe(404);
    expect((await answer(h.get('registered-models/alias', { name: 'ghost', alias: 'champion' }))).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await answer(h.post('model-versions/create', { name: 'ghost', source: 's3://x' }))).status).toBe(404);

    await answer(h.post('registered-models/create', { name: 'dup' }));
    expect(await answer(h.post('registered-models/create', { name: 'dup' }))).toEqual({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Registered Model (name=dup) already exists.' },
    });
    const unknownRun = await answer(h.post('model-versions/create', { name: 'dup', source: 's3://x', run_id: 'f'.repeat(32) }));
    expect(unknownRun).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });

    const malformed = await answer(h.get('model-versions/search', { filter: "name = 'dup' and" }));
    expect(malformed).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(malformed.body.message).toMatch(/position \d+/);
    expect((await answer(h.get('registered-models/search', { filter: 'tags.x > 3' }))).body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await answer(h.get('registered-models/search', { max_results: 1001 }))).body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await answer(h.post('registered-models/create', {}))).body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await answer(h.get('model-versions/get', { name: 'dup', version: 'one' }))).body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await answer(h.post('registered-models/alias', { name: 'dup', alias: 'champion', version: '4' }))).status).toBe(404);
  });
});

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
