import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/api-server.js';
import { dialects } from '../../../test/dialects.js';
import { newUuid } from '../../ids.js';
import { PredictionIngest } from '../../serving/ingest/ingest-service.js';
import { PredictionStore } from '../../serving/prediction-store.js';

const maxBytes = 8 * 1024;
const record = (overrides: Record<string, unknown> = {}) => ({ prediction_id: newUuid(), time: Date.now(), method: 'POST', path: '/predict', status: 200, latency_ms: 3.25, request_body: '{"basket":["B01"]}', response_body: '{"items":["B07"]}', deployment_id: 'prod#3', run_id: 'a'.repeat(32), git_sha: 'f'.repeat(40), ...overrides });

describe.each(dialects)('POST /api/predictions:batch on %s', (dialect) => {
  let api: TestApi;
  const post = (body: string, type = 'application/json') => request(`${api.url}/api/predictions:batch`, { method: 'POST', headers: { 'content-type': type }, body });

  beforeAll(async () => {
    api = await startTestApi(dialect, async (tl) => {
      // A small limit, so that the 413 is cheap to reach.
      tl.predictionIngest = new PredictionIngest(new PredictionStore(tl.store), maxBytes);
    });
  });
  afterAll(() => api.close());

  it('takes a JSON array: 202 with counts, bad records reported by position, the good ones kept', async () => {
    const good = [record(), record({ time: '2026-12-07T10:00:00.000Z', request_body: { basket: ['B02'] } })];
    const res = await post(JSON.stringify([good[0], { ...record(), status: 'ok' }, good[1], { prediction_id: 'nope' }]));
    expect(res.statusCode).toBe(202);
    const body = (await res.body.json()) as { accepted: number; errors: { index: number; message: string }[] };
    expect(body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 2 });
    expect(body.errors.map((e) => e.index)).toEqual([1, 3]);
    expect(body.errors[0]!.message).toMatch(/^status: /);
    expect(body.errors[1]!.message).toMatch(/^prediction_id: must be a UUID/);
    const stored = await api.client.getPrediction(good[1]!.prediction_id);
    expect(stored).toMatchObject({ time: Date.parse('2026-12-07T10:00:00.000Z'), requestBody: '{"basket":["B02"]}', deploymentId: 'prod#3', latencyMs: 3.25, truncated: false });
  });

  it('is idempotent by prediction id: a resent batch is all duplicates and changes nothing', async () => {
    const batch = [record(), record()];
    expect(await (await post(JSON.stringify(batch))).body.json()).toMatchObject({ accepted: 2, duplicates: 0 });
    const again = [{ ...batch[0], status: 500 }, batch[1], batch[1]];
    expect(await (await post(JSON.stringify(again))).body.json()).toMatchObject({ accepted: 0, duplicates: 3, rejected: 0 });
    expect((await api.client.getPrediction(batch[0]!.prediction_id)).status).toBe(200);
  });

  it('takes NDJSON, with a line that is not JSON rejected on its own', async () => {
    const lines = [record(), record()];
    const res = await post(`${JSON.stringify(lines[0])}\n{not json\n\n${JSON.stringify(lines[1])}`, 'application/x-ndjson');
    expect(res.statusCode).toBe(202);
    expect(await res.body.json()).toMatchObject({ accepted: 2, rejected: 1, errors: [{ index: 1, message: expect.stringMatching(/^not JSON/) }] });
    expect((await api.client.getPrediction(lines[1]!.prediction_id)).path).toBe('/predict');
  });

  it('refuses an NDJSON record holding a NUL on its own, and writes the others (PostgreSQL text cannot hold one)', async () => {
    const good = record();
    const bad = record({ response_body: 'raw\u0000bytes' });
    const res = await post(`${JSON.stringify(bad)}\n${JSON.stringify(good)}`, 'application/x-ndjson');
    expect(res.statusCode).toBe(202);
    expect(await res.body.json()).toMatchObject({ accepted: 1, rejected: 1, errors: [{ index: 0, message: expect.stringMatching(/^response_body: contains a NUL/) }] });
    expect((await api.client.getPrediction(good.prediction_id)).status).toBe(200);
    await expect(api.client.getPrediction(bad.prediction_id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a batch over the limit whole with a clear 413, JSON or NDJSON, and writes none of it', async () => {
    const many = Array.from({ length: 40 }, () => record());
    for (const [body, type] of [[JSON.stringify(many), 'application/json'], [many.map((r) => JSON.stringify(r)).join('\n'), 'application/x-ndjson']] as const) {
      const res = await post(body, type);
      expect(res.statusCode).toBe(413);
      expect(await res.body.json()).toEqual({ error_code: 'TOO_LARGE', message: `a prediction batch is limited to ${maxBytes} bytes: send fewer records per request` });
    }
    await expect(api.client.getPrediction(many[0]!.prediction_id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('says what it takes when the body is not an array', async () => {
    const res = await post(JSON.stringify(record()));
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toMatchObject({ error_code: 'INVALID_ARGUMENT', message: expect.stringContaining('JSON array') });
  });
});
