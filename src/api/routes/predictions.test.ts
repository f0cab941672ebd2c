import fs from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/api-server.js';
import { dialects } from '../../../test/dialects.js';
import type { ThreadlineClient } from '../../sdk/client.js';
import { prediction } from '../../serving/testing.js';
import { PredictionStore } from '../../serving/prediction-store.js';

describe.each(dialects)('predictions over HTTP on %s', (dialect) => {
  let api: TestApi;
  let url: string;
  let client: ThreadlineClient;
  let home: string;
  const hourAgo = Date.now() - 3_600_000;
  const rows = [prediction({ deploymentId: 'prod#1', time: hourAgo - 60_000 }), prediction({ deploymentId: 'prod#2' }), prediction({ deploymentId: 'prod#2', status: 502, error: 'down' })];

  beforeAll(async () => {
    api = await startTestApi(dialect, async (tl) => {
      await new PredictionStore(tl.store).insertBatch(rows);
    });
    ({ url, client, home } = api);
  });
  afterAll(() => api.close());

  it('lists by deployment and time, newest first, and shows one with its feedback', async () => {
    expect((await client.listPredictions()).map((p) => p.id)).toEqual([rows[2]!.id, rows[1]!.id, rows[0]!.id]);
    expect((await client.listPredictions({ deploymentId: 'prod#2', limit: 1 })).map((p) => p.id)).toEqual([rows[2]!.id]);
    expect((await client.listPredictions({ since: '1h' })).map((p) => p.id)).toEqual([rows[2]!.id, rows[1]!.id]);
    expect((await client.listPredictions({ since: new Date(hourAgo - 120_000).toISOString() })).length).toBe(3);
    await expect(client.listPredictions({ since: 'yesterday-ish' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await client.getPrediction(rows[2]!.id)).toEqual({ ...rows[2], feedback: [] });
    await expect(client.getPrediction('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('answers a bad filter with 400 and one line naming it', async () => {
    const bad: [string, string][] = [['status=fine', 'status'], ['status=42', 'status'], ['minLatencyMs=abc', 'minLatencyMs'], ['maxLatencyMs=-1', 'maxLatencyMs'], ['until=soonish', 'until'], ['before=123', 'before'], ['before=x:' + rows[0]!.id, 'before'], ['limit=0', 'limit']];
    for (const [query, field] of bad) {
      const response = await request(`${url}/api/predictions?${query}`);
      expect(response.statusCode, query).toBe(400);
      const body = (await response.body.json()) as { error_code: string; message: string };
      expect(body, query).toMatchObject({ error_code: 'INVALID_ARGUMENT', message: expect.stringContaining(field) });
      expect(body.message, query).not.toContain('\n');
    }
    // An empty parameter is no filter, as a form leaves it.
    expect((await (await request(`${url}/api/predictions?status=&minLatencyMs=&model=`)).body.json()) as { predictions: unknown[] }).toMatchObject({ predictions: { length: 3 } });
    expect(((await (await request(`${url}/api/predictions?status=502`)).body.json()) as { predictions: { id: string }[] }).predictions.map((p) => p.id)).toEqual([rows[2]!.id]);
  });

  it('records feedback one at a time and in bulk (JSONL and CSV), counting unknown ids', async () => {
    const one = await request(`${url}/api/predictions/${rows[1]!.id}/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ label: 'cat-food', source: 'support-ticket' }) });
    expect(one.statusCode).toBe(201);
    expect(await one.body.json()).toMatchObject({ predictionId: rows[1]!.id, label: 'cat-food', source: 'support-ticket' });
    await expect(client.recordFeedback('01900000-0000-7000-8000-00000000dead', { value: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.recordFeedback(rows[1]!.id, { value: 4.5 });

    const unknown = Array.from({ length: 8 }, (_, i) => `01900000-0000-7000-8000-00000000000${i}`);
    const jsonl = [...rows.map((r, i) => JSON.stringify({ prediction_id: r.id, label: { clicked: i } })), ...unknown.map((id) => JSON.stringify({ prediction_id: id, label: 0 })), '{"label": 1}'].join('\n');
    const bulk = await request(`${url}/api/feedback`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: jsonl });
    expect(await bulk.body.json()).toEqual({ recorded: 3, unknown: 8, unknownIds: unknown.slice(0, 5), invalid: 1 });

    const csvFile = path.join(home, 'truth.csv');
    fs.writeFileSync(csvFile, `prediction_id,bought,score\r\n${rows[0]!.id},"dog ""bowl"", steel",0.5\r\n`);
    expect(await client.importFeedback(csvFile)).toEqual({ recorded: 1, unknown: 0, unknownIds: [], invalid: 0 });

    const shown = await client.getPrediction(rows[1]!.id);
    expect(shown.feedback.map((f) => f.label)).toEqual(['cat-food', 4.5, { clicked: 1 }]);
    expect((await client.getPrediction(rows[0]!.id)).feedback.map((f) => f.label)).toEqual([{ clicked: 0 }, { bought: 'dog "bowl", steel', score: 0.5 }]);
    const noIdColumn = await request(`${url}/api/feedback?format=csv`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'id,label\nx,1\n' });
    expect(noIdColumn.statusCode).toBe(400);
  });

  it('answers a JSON value sent as bulk feedback with 400, and stays up', async () => {
    for (const body of ['[1]', '[[]]', '[{"prediction_id":"x"}]', '{"prediction_id":"x"}', '"x"']) {
      const response = await request(`${url}/api/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.statusCode, body).toBe(400);
      expect(await response.body.json()).toMatchObject({ error_code: 'INVALID_ARGUMENT', message: expect.stringContaining('JSON lines') });
    }
    expect((await request(`${url}/api/health`)).statusCode).toBe(200);
  });
});
