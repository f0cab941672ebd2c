import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, startMlflowHarness, type MlflowHarness } from './testing.js';

/** The REST endpoints service.proto declares for an RPC: `rpc name(…) { … endpoints: [{ method path }] }`. */
function protoEndpoints(file: string): { rpc: string; method: string; path: string }[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: { rpc: string; method: string; path: string }[] = [];
  for (const block of text.split(/\n\s*rpc /).slice(1)) {
    const rpc = /^(\w+)/.exec(block)![1]!;
    const body = block.slice(0, block.search(/\n {2}\}/));
    for (const m of body.matchAll(/method:\s*"(\w+)"\s*path:\s*"([^"]+)"/g)) out.push({ rpc, method: m[1]!, path: m[2]! });
  }
  return out;
}

const proto = path.resolve(import.meta.dirname, '../../../spec/mlflow/service.proto');
const wanted = protoEndpoints(proto).filter((e) => /LoggedModel|^logOutputs$/i.test(e.rpc));

/** MLflow 3.6's service.proto, verbatim: every LoggedModel RPC (and runs/outputs) is routed, under both prefixes. */
describe('the LoggedModel endpoints of MLflow 3.6 service.proto', () => {
  let h: MlflowHarness;
  beforeAll(async () => {
    h = await startMlflowHarness('sqlite');
  });
  afterAll(async () => h.close());

  it('finds the ten RPCs in the proto', () => {
    expect(wanted.map((e) => e.rpc).sort()).toEqual(
      ['createLoggedModel', 'deleteLoggedModel', 'deleteLoggedModelTag', 'finalizeLoggedModel', 'getLoggedModel', 'listLoggedModelArtifacts', 'LogLoggedModelParams', 'logOutputs', 'searchLoggedModels', 'setLoggedModelTags'].sort(),
    );
  });

  it('answers each with an MLflow error about the request, never ENDPOINT_NOT_FOUND or a 5xx', async () => {
    for (const prefix of ['/api/2.0', '/ajax-api/2.0']) {
      for (const e of wanted) {
        const url = `${h.url}${prefix}${e.path.replace('{model_id}', 'm-' + '0'.repeat(32)).replace('{tag_key}', 'k')}`;
        const init: RequestInit = e.method === 'GET' ? { method: 'GET' } : { method: e.method, headers: { 'content-type': 'application/json' }, body: '{}' };
        const { status, body } = await answer(fetch(url, init));
        expect(status, `${e.method} ${url}`).toBeLessThan(500);
        expect(body.error_code, `${e.method} ${url}`).not.toBe('ENDPOINT_NOT_FOUND');
      }
    }
  });
});
