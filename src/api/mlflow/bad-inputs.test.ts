import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../../test/dialects.js';
import { answer, startMlflowHarness, type MlflowHarness } from './testing.js';

/** Bad requests, each answered with MLflow's error_code and HTTP status. */
describe.each(dialects)('MLflow API errors on %s', (dialect) => {
  let h: MlflowHarness;
  let runId: string;
  beforeAll(async () => {
    h = await startMlflowHarness(dialect);
    const created = await answer(h.post('runs/create', { experiment_id: '0', start_time: Date.now() }));
    runId = created.body.run.info.run_id;
  });
  afterAll(async () => h.close());

  const invalid = { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) } };

  it('answers an unknown run id with 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const unknown = 'f'.repeat(32);
    expect(await answer(h.get('runs/get', { run_id: unknown }))).toEqual({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run '${unknown}' not found` } });
    expect((await answer(h.post('runs/log-batch', { run_id: unknown, params: [{ key: 'a', value: '1' }] }))).status).toBe(404);
    expect((await answer(h.get('metrics/get-history', { run_id: 'not-a-run', metric_key: 'loss' }))).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await answer(h.get('experiments/get', { experiment_id: '12345' }))).status).toBe(404);
  });

  it('answers a duplicate experiment name with 400 RESOURCE_ALREADY_EXISTS', async () => {
    expect((await answer(h.post('experiments/create', { name: 'twice' }))).status).toBe(200);
    expect(await answer(h.post('experiments/create', { name: 'twice' }))).toEqual({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: "Experiment 'twice' already exists." },
    });
  });

  it('refuses a param re-logged with a different value, accepts the same value', async () => {
    expect((await answer(h.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' }))).status).toBe(200);
    expect((await answer(h.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' }))).status).toBe(200);
    const changed = await answer(h.post('runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.2' }] }));
    expect(changed).toEqual(invalid);
    expect(changed.body.message).toContain("Changing param values is not allowed. Param with key='lr'");
  });

  it("enforces MLflow's batch limits, and nothing of a refused batch lands", async () => {
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 1, step: 0 }));
    const oversize = await answer(h.post('runs/log-batch', { run_id: runId, metrics }));
    expect(oversize).toEqual(invalid);
    expect(oversize.body.message).toMatch(/at most 1000 metrics/);
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' }));
    expect(await answer(h.post('runs/log-batch', { run_id: runId, params }))).toEqual(invalid);
    expect((await answer(h.get('runs/get', { run_id: runId }))).body.run.data.metrics).toBeUndefined();
  });

  it('answers a malformed filter with INVALID_PARAMETER_VALUE naming the position', async () => {
    const bad = await answer(h.post('runs/search', { experiment_ids: ['0'], filter: "metrics.precision >> 0.1 and params.k = '5'" }));
    expect(bad).toEqual(invalid);
    expect(bad.body.message).toMatch(/^Invalid filter at position 20: /);
    expect((await answer(h.post('runs/search', { experiment_ids: ['0'], filter: "params.k = '5' or params.k = '6'" }))).status).toBe(400);
    expect((await answer(h.post('experiments/search', { filter: 'name =' }))).body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await answer(h.post('runs/search', { experiment_ids: ['0'], max_results: 50001 }))).status).toBe(400);
  });

  it("names a missing required field as MLflow does", async () => {
    expect(await answer(h.get('experiments/get'))).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Missing value for required parameter 'experiment_id'. See the API docs for more information about request parameters.",
      },
    });
    expect((await answer(h.post('experiments/delete', {}))).body.message).toContain("'experiment_id'");
    expect((await answer(h.post('runs/log-metric', { key: 'loss', value: 1, timestamp: 1 }))).body.message).toContain("'run_id'");
    expect((await answer(h.post('runs/log-metric', { run_id: runId, key: 'loss', value: 1 }))).body.message).toContain("'timestamp'");
    expect((await answer(h.post('experiments/create', {}))).body.message).toContain("'name'");
    // An empty body is an empty request, as in MLflow.
    const empty = await fetch(`${h.url}/api/2.0/mlflow/experiments/restore`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect((await answer(empty)).body.message).toContain("'experiment_id'");
  });

  it('refuses values of the wrong type and contradictory run names', async () => {
    expect(await answer(h.get('metrics/get-history', { run_id: runId, metric_key: 'x', max_results: 'many' }))).toEqual(invalid);
    expect(await answer(h.post('runs/update', { run_id: runId, status: 'DONE' }))).toEqual(invalid);
    const clash = await answer(h.post('runs/create', { experiment_id: '0', run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] }));
    expect(clash).toEqual(invalid);
    const text = await fetch(`${h.url}/api/2.0/mlflow/runs/create`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"experiment_id":"0"}' });
    expect(await answer(text)).toEqual({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Bad Request. Content-Type must be one of ['application/json']." } });
    const malformed = await fetch(`${h.url}/api/2.0/mlflow/runs/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"experiment_id": ' });
    expect((await answer(malformed)).status).toBe(400);
  });

  it('keeps MLflow codes on MLflow paths only', async () => {
    expect(await answer(h.get('no/such/endpoint'))).toMatchObject({ status: 404, body: { error_code: 'ENDPOINT_NOT_FOUND' } });
    const native = await fetch(`${h.url}/api/experiments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"twice"}' });
    expect(await answer(native)).toMatchObject({ status: 409, body: { error_code: 'ALREADY_EXISTS' } });
  });

  it('refuses artifact paths outside a run and with ..', async () => {
    const proxy = `${h.url}/api/2.0/mlflow-artifacts/artifacts`;
    expect((await answer(fetch(`${proxy}/somewhere/file.txt`, { method: 'PUT', body: 'x' }))).body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await answer(fetch(`${proxy}/0/${runId}/artifacts/..%2F..%2Fescape`, { method: 'PUT', body: 'x' }))).status).toBe(400);
    expect((await answer(fetch(`${proxy}/0/${runId}/artifacts/missing.txt`))).status).toBe(404);
    expect((await answer(fetch(`${proxy}/7/${runId}/artifacts/a.txt`, { method: 'PUT', body: 'x' }))).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
