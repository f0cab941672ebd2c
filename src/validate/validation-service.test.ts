import fs from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/api-server.js';
import { dialects } from '../../test/dialects.js';
import { digestJson } from '../capture/canonical.js';
import { captureData } from '../capture/data.js';
import { duckdbFactSource, tabularSource } from './duckdb-facts.js';
import { TraceService } from '../lineage/trace.js';
import { runSuite } from './evaluate.js';
import type { RecordValidationInput, Suite } from './types.js';
import { ValidationService } from './validation-service.js';

const suite: Suite = {
  name: 'orders',
  expectations: [
    { expect: 'not_null', column: 'id' },
    { expect: 'between', column: 'amount', min: 0, max: 100 },
  ],
};

describe.each(dialects)('validations on %s', (dialect) => {
  let api: TestApi;
  let good: RecordValidationInput;
  let bad: RecordValidationInput;

  beforeAll(async () => {
    api = await startTestApi(dialect);
    const write = (name: string, text: string) => {
      fs.writeFileSync(path.join(api.home, name), text);
      return path.join(api.home, name);
    };
    const input = async (file: string): Promise<RecordValidationInput> => ({
      data: await captureData(file),
      suiteName: suite.name,
      suiteDigest: digestJson(suite),
      result: await runSuite(suite, duckdbFactSource(await tabularSource(file))),
    });
    good = await input(write('good.csv', 'id,amount\n1,5\n2,99.5\n'));
    bad = await input(write('bad.csv', 'id,amount\n1,5\n2,-3\n3,250\n'));
  });
  afterAll(() => api.close());

  it('records a passing and a failing suite over HTTP, with the data version, an event each, and lists them by data', async () => {
    expect(good.result.success).toBe(true);
    expect(bad.result.success).toBe(false);
    const passed = await api.client.recordValidation(good);
    const failed = await api.client.recordValidation(bad);
    expect(passed).toMatchObject({ success: true, evaluated: 2, failed: 0, dataDigest: good.data.digest, suiteName: 'orders', suiteDigest: digestJson(suite) });
    expect(failed).toMatchObject({ success: false, evaluated: 2, failed: 1, dataDigest: bad.data.digest });
    expect(failed.results[1]).toMatchObject({ expect: 'between', success: false, unexpectedCount: 2, unexpectedExamples: expect.arrayContaining([-3, 250]) });

    // The data version is stored as `threadline run --input` stores it.
    expect(await api.client.getDataVersion(bad.data.digest)).toMatchObject({ digest: bad.data.digest, rowCount: 3, format: 'csv' });
    expect((await api.client.listValidations({ data: bad.data.digest })).map((v) => v.id)).toEqual([failed.id]);
    expect((await api.client.listValidations({ suite: 'orders' })).map((v) => v.id)).toEqual([failed.id, passed.id]);
    expect(await api.client.getValidation(failed.id)).toEqual({ ...failed, eventId: undefined });

    const [failedEvent] = await api.client.listEvents({ subject: { type: 'validation', id: failed.id } });
    expect(failedEvent).toMatchObject({ id: failed.eventId, stage: 'data', kind: 'validation_failed', severity: 'error', details: { failed: 1, suite: 'orders' } });
    expect(failedEvent!.subjects).toEqual(expect.arrayContaining([{ type: 'validation', id: failed.id }, { type: 'data', id: bad.data.digest }]));
    expect(failedEvent!.summary).toContain('amount values ≥ 0 and ≤ 100');
    const [passedEvent] = await api.client.listEvents({ subject: { type: 'validation', id: passed.id } });
    expect(passedEvent).toMatchObject({ kind: 'validation_passed', severity: 'info' });
  });

  it('puts a validation on the trace: up to its data, and downstream of the data', async () => {
    const v = await new ValidationService(api.tl.store, api.tl.events).record(good);
    const up = await api.client.trace(v.id);
    expect(up.start).toEqual({ type: 'validation', id: v.id });
    expect(up.nodes.map((n) => `${n.type}:${n.id}`)).toContain(`data:${good.data.digest}`);
    const down = await new TraceService(api.tl).trace(good.data.digest, { direction: 'downstream' });
    expect(down.nodes.map((n) => `${n.type}:${n.id}`)).toContain(`validation:${v.id}`);
  });

  it('refuses a result that disagrees with itself, and bad queries, as INVALID_ARGUMENT / NOT_FOUND', async () => {
    const lying = { ...bad, result: { ...bad.result, success: true, failed: 0, passed: 2 } };
    const response = await request(`${api.url}/api/validations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(lying) });
    expect(response.statusCode).toBe(400);
    expect(await response.body.json()).toMatchObject({ error_code: 'INVALID_ARGUMENT', message: expect.stringContaining('disagrees with itself') });
    await expect(api.client.recordValidation({ ...good, suiteDigest: 'nope' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(api.client.listValidations({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(api.client.getValidation('01a21372-9ea8-737f-a26a-c4dad3efca14')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
