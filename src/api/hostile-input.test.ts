import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/api-server.js';
import { dialects } from '../../test/dialects.js';

/** Each of these once answered 500 (or stored what it should have refused); found by the fuzz. */
describe.each(dialects)('hostile input answered 4xx on %s', (dialect) => {
  let api: TestApi;
  let runId: string;
  const M = '/api/2.0/mlflow';

  const call = async (method: string, url: string, body?: unknown, raw?: string) => {
    const response = await api.app.inject({
      method: method as 'POST',
      url,
      ...((body !== undefined || raw !== undefined) && { payload: raw ?? JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    return { status: response.statusCode, body: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {} };
  };

  beforeAll(async () => {
    api = await startTestApi(dialect);
    runId = (await api.tl.runs.create({ name: 'target' })).runId;
    await api.tl.models.createModel({ name: 'm' });
    await api.tl.models.createVersion({ name: 'm', source: 's3://bucket/model' });
  });
  afterAll(() => api.close());

  it('refuses a 10,000-deep JSON value with 400, natively and on the MLflow routes', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    for (const url of ['/api/experiments', `/api/runs/${runId}/batch`, `${M}/runs/create`, `${M}/experiments/search`, '/api/v1/lineage']) {
      const answer = await call('POST', url, undefined, `{"name": ${deep}}`);
      expect(answer.status, url).toBe(400);
      expect(String(answer.body.message)).toMatch(/nests deeper than 64/);
    }
    expect((await call('POST', `${M}/runs/create`, undefined, deep)).body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('refuses NUL in any string, key, query or path parameter with 400', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/api/experiments', { name: 'a\u0000b' }],
      ['POST', '/api/runs', { tags: { team: 'a\u0000' } }],
      ['POST', `/api/runs/${runId}/batch`, { params: [{ key: 'k', value: 'v\u0000' }] }],
      ['POST', `${M}/runs/set-tag`, { run_id: runId, key: 'k', value: '\u0000' }],
      ['POST', `${M}/registered-models/create`, { name: 'n\u0000' }],
      ['POST', `${M}/experiments/create`, { name: 'x', tags: [{ key: 'k\u0000', value: 'v' }] }],
      ['POST', '/api/events', { stage: 'code', kind: 'k', severity: 'info', summary: 's', details: { 'a\u0000': 1 } }],
      ['GET', `${M}/runs/get?run_id=${runId}%00`, undefined],
      ['GET', '/api/models/m%00', undefined],
      ['POST', `${M}/runs/search`, { experiment_ids: ['0'], filter: "tags.x = 'a\u0000'" }],
    ];
    for (const [method, url, body] of cases) {
      const answer = await call(method, url, body);
      expect(answer.status, `${method} ${url}`).toBe(400);
      expect(String(answer.body.message), `${method} ${url}`).toMatch(/NUL/);
    }
  });

  it('refuses integers past the column range with 400', async () => {
    expect((await call('PATCH', `/api/runs/${runId}`, { exitCode: 2 ** 31 })).status).toBe(400);
    expect((await call('GET', '/api/models/m/versions/9999999999')).status).toBe(400);
    expect((await call('GET', `${M}/model-versions/get?name=m&version=2147483648`)).status).toBe(400);
    expect((await call('POST', `${M}/runs/log-metric`, { run_id: runId, key: 'k', value: 1, timestamp: 1, step: 2 ** 64 })).status).toBe(400);
    expect((await call('POST', `${M}/runs/update`, { run_id: runId, end_time: 1e300 })).status).toBe(400);
    expect((await call('GET', '/api/runs?limit=%3D')).status).toBe(400);
  });

  it('answers PATCH /api/runs/:id with {} by changing nothing', async () => {
    const before = await api.tl.runs.info(runId);
    const answer = await call('PATCH', `/api/runs/${runId}`, {});
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ runId, name: before.name, status: before.status });
  });

  it('refuses a non-string runId or artifactPath when registering a version', async () => {
    for (const body of [{ runId: 5, artifactPath: 'model' }, { runId, artifactPath: 7 }, { runId: [runId], artifactPath: {} }, { runId: null, artifactPath: 'x' }]) {
      const answer = await call('POST', '/api/models/m/versions', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error_code).toBe('INVALID_ARGUMENT');
    }
  });

  it('bounds filters: 999 ANDs, a 40,000-value IN list and 20,000 terms are INVALID_PARAMETER_VALUE; 200 ANDs answer', async () => {
    const search = (filter: string) => call('POST', `${M}/runs/search`, { experiment_ids: ['0'], filter });
    const and = (n: number) => Array.from({ length: n }, () => "tags.team = 'alpha'").join(' AND ');
    for (const filter of [and(999), `tags.team IN (${Array.from({ length: 40_000 }, (_, i) => `'v${i}'`).join(',')})`, and(20_000)]) {
      const answer = await search(filter);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(/more than|characters/) });
    }
    expect((await search(and(200))).status).toBe(200);
    expect((await call('GET', `/api/models?filter=${encodeURIComponent(and(999).replaceAll('team', 'x'))}`)).status).toBe(400);
  });

  it('refuses order_by on tags for registered models and model versions (no column of theirs)', async () => {
    for (const url of [`${M}/registered-models/search?order_by=tags.x`, `${M}/model-versions/search?order_by=tags.x%20DESC`, '/api/models?orderBy=tags.x']) {
      const answer = await call('GET', url);
      expect(answer.status, url).toBe(400);
      expect(String(answer.body.message)).toMatch(/ordered by tags/);
    }
  });

  it('sets a tag on a model version, natively and through MLflow', async () => {
    expect((await call('PUT', '/api/models/m/versions/1/tags/k', { value: 'v' })).status).toBe(204);
    expect((await call('POST', `${M}/model-versions/set-tag`, { name: 'm', version: '1', key: 'k2', value: 'v2' })).status).toBe(200);
    const version = await call('GET', `${M}/model-versions/get?name=m&version=1`);
    expect((version.body.model_version as { tags: unknown }).tags).toEqual([{ key: 'k', value: 'v' }, { key: 'k2', value: 'v2' }]);
  });

  it('bounds field sizes as MLflow does, storing nothing oversized', async () => {
    const over = 'x'.repeat(8 * 1024 * 1024);
    expect((await call('PUT', '/api/models/m/tags/big', { value: over })).status).toBe(400);
    expect((await call('POST', `${M}/model-versions/set-tag`, { name: 'm', version: '1', key: 'big', value: 'x'.repeat(100_001) })).status).toBe(400);
    expect((await call('PUT', '/api/models/m/tags/big', { value: 'x'.repeat(100_000) })).status).toBe(204);
    expect((await call('POST', `${M}/runs/set-tag`, { run_id: runId, key: 'big', value: 'x'.repeat(8001) })).status).toBe(400);
    expect((await call('POST', `${M}/runs/log-parameter`, { run_id: runId, key: 'big', value: 'x'.repeat(6001) })).status).toBe(400);
    expect((await call('POST', `${M}/runs/set-tag`, { run_id: runId, key: 'k'.repeat(251), value: 'v' })).status).toBe(400);
    expect((await call('POST', `${M}/model-versions/create`, { name: 'm', source: 's'.repeat(501) })).status).toBe(400);
    const run = await api.tl.runs.get(runId);
    expect(run.tags.big).toBeUndefined();
    expect(run.params.big).toBeUndefined();
  });
});
