import { describe, expect, it } from 'vitest';
import { parseRecord, predictionRecord } from './record.js';

const base = { prediction_id: '01a25257-d1bd-7502-8ea7-c9b63d4a1001', time: 1_765_000_000_000, method: 'POST', path: '/predict', status: 200, latency_ms: 1.5 };

// What the zod schema alone makes of a record: the definition the compiled fast path must agree with.
function byZod(value: unknown) {
  const result = predictionRecord.safeParse(value);
  if (!result.success) return 'invalid';
  const r = result.data;
  return { id: r.prediction_id.toLowerCase(), deploymentId: r.deployment_id, time: r.time, method: r.method, path: r.path, status: r.status, latencyMs: r.latency_ms, requestBody: r.request_body, responseBody: r.response_body, truncated: r.truncated, modelName: r.model_name, modelVersion: r.model_version, runId: r.run_id, gitSha: r.git_sha, error: r.error };
}

describe('parseRecord', () => {
  const cases: [string, unknown][] = [
    ['the middlewares’ record', { ...base, deployment_id: 'prod#1', request_body: '{"a":1}', response_body: null, truncated: true, model_name: 'reco', model_version: 3, run_id: 'a'.repeat(32), git_sha: 'f'.repeat(40), error: null }],
    ['the fewest fields', base],
    ['an upper-case id', { ...base, prediction_id: base.prediction_id.toUpperCase() }],
    ['an ISO time', { ...base, time: '2026-12-07T10:00:00.000Z' }],
    ['a JSON body', { ...base, request_body: { basket: ['B01'] } }],
    ['a method at its limit', { ...base, method: 'M'.repeat(16) }],
    ['a method over it', { ...base, method: 'M'.repeat(17) }],
    ['a path of astral characters over the limit in UTF-16 units', { ...base, path: '/' + '😀'.repeat(1100) }],
    ['a path at the limit', { ...base, path: '/' + 'p'.repeat(2047) }],
    ['an unsafe integer time', { ...base, time: 2 ** 60 }],
    ['a fractional status', { ...base, status: 200.5 }],
    ['a negative latency', { ...base, latency_ms: -1 }],
    ['a bad id', { ...base, prediction_id: 'nope' }],
    ['an unknown field', { ...base, extra: 1 }],
    ['not an object', [base]],
  ];
  it.each(cases)('agrees with the schema on %s', (_name, value) => {
    const parsed = parseRecord(value);
    expect('invalid' in parsed ? 'invalid' : parsed.prediction).toEqual(byZod(value));
  });

  it('names the field and the complaint of a bad record', () => {
    expect(parseRecord({ ...base, status: 'ok' })).toEqual({ invalid: expect.stringMatching(/^status: /) });
  });
});
