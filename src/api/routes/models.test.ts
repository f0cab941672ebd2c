import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/api-server.js';
import { dialects } from '../../../test/dialects.js';
import type { ThreadlineClient } from '../../sdk/client.js';

describe.each(dialects)('model registry over HTTP on %s', (dialect) => {
  let api: TestApi;
  let url: string;
  let client: ThreadlineClient;
  let home: string;

  beforeAll(async () => {
    api = await startTestApi(dialect);
    ({ url, client, home } = api);
  });
  afterAll(() => api.close());

  it('registers, aliases, resolves, searches and shows history through the SDK', async () => {
    const run = await client.createRun({ experimentName: 'models' });
    const file = path.join(home, 'model.json');
    fs.writeFileSync(file, '{"w":[1]}');
    const artifact = await client.uploadArtifact(run.runId, 'model/model.json', file);
    const v1 = await client.registerModel({ name: 'amazon-recommender', runId: run.runId, artifactPath: 'model/model.json', tags: { DBR_RUN_ID: '777' } });
    expect(v1).toMatchObject({ name: 'amazon-recommender', version: 1, runId: run.runId, artifactDigest: artifact.digest });
    const v2 = await client.createModelVersion({ name: 'amazon-recommender', source: `runs:/${run.runId}/model` });
    expect(v2.version).toBe(2);
    await client.setModelAlias('amazon-recommender', 'champion', 1, 'alice');
    await client.setModelAlias('amazon-recommender', 'champion', '2', 'bob');
    expect((await client.resolveModel('amazon-recommender@champion')).version).toBe(2);
    expect((await client.resolveModel('amazon-recommender/1')).tags).toEqual({ DBR_RUN_ID: '777' });
    expect((await client.getModelVersion('amazon-recommender', 1)).version).toBe(1);
    const found = await client.searchModelVersions({ filter: "name='amazon-recommender' and tag.DBR_RUN_ID = '777'" });
    expect(found.items.map((v) => v.version)).toEqual([1]);
    expect((await client.searchModels({ filter: "name LIKE 'amazon%'" })).items.map((m) => m.name)).toEqual(['amazon-recommender']);
    expect((await client.getModel('amazon-recommender')).aliases).toEqual([{ alias: 'champion', version: 2 }]);
    await client.deleteModelAlias('amazon-recommender', 'champion', 'carol');
    expect((await client.modelHistory('amazon-recommender')).map((h) => [h.fromVersion, h.toVersion, h.actor])).toEqual([
      [null, 1, 'alice'],
      [1, 2, 'bob'],
      [2, null, 'carol'],
    ]);
  });

  it('answers errors as {error_code, message} with their status', async () => {
    await expect(client.getModel('ghost')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await client.createModel({ name: 'dup' });
    await expect(client.createModel({ name: 'dup' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS', status: 409 });
    await expect(client.searchModelVersions({ filter: 'name = ' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    const response = await fetch(`${url}/api/models/dup/versions/abc`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_code: 'INVALID_ARGUMENT' });
  });
});
