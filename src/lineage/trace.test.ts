import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../test/dialects.js';
import { startServer } from '../api/server.js';
import { openThreadline, type Threadline } from '../context.js';
import { ThreadlineClient } from '../sdk/client.js';
import { formatTrace } from './format/index.js';
import { codeVersion, dataVersion, environment, trainedModel } from './testing.js';
import { TraceService } from './trace.js';

describe.each(dialects)('trace service and GET /api/lineage on %s', (dialect) => {
  let tl: Threadline;
  let app: FastifyInstance;
  let url: string;
  let client: ThreadlineClient;
  let traces: TraceService;
  let trained: Awaited<ReturnType<typeof trainedModel>>;
  const data = dataVersion('s3://lake/orders/2026-11-19', 'user,item\nu1,i1\n', 1_204_332);
  const env = environment('3.11.7');
  const code = codeVersion('3f9d2c1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');

  beforeAll(async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-trace-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    ({ app, url } = await startServer(tl, '127.0.0.1', 0));
    client = new ThreadlineClient(url);
    traces = new TraceService(tl);
    const tags = { 'threadline.databricks.job_id': '42', 'threadline.databricks.run_id': '777' };
    trained = await trainedModel(tl, 'amazon-recommender', { code, data, env, weights: '[1,2]', tags });
    await tl.models.setAlias('amazon-recommender', 'champion', 1);
  });
  afterAll(async () => {
    await client.close();
    await app.close();
    await tl.close();
  });

  it("shows each entity's key facts, as DESIGN.md's trace does", async () => {
    const trace = await traces.trace('amazon-recommender@champion');
    const text = formatTrace(trace, 'text').split('\n');
    expect(text[0]).toMatch(/^model {6}amazon-recommender v1 {2}\(alias champion\) {2}artifact sha256:[0-9a-f]{12}…$/);
    expect(text).toContainEqual(`  run        ${trained.runId.slice(-8)}  "train-amazon-recommender"  job 42 / run 777  finished ok`);
    expect(text).toContainEqual('    code       github.com/acme/reco @ 3f9d2c1 (clean)  branch main');
    expect(text).toContainEqual(expect.stringMatching(/^ {4}data {7}s3:\/\/lake\/orders\/2026-11-19 {2}sha256:[0-9a-f]{12}… {2}\(1,204,332 rows, 16 B\)$/));
    expect(text).toContainEqual(expect.stringMatching(/^ {4}env {8}python 3\.11\.7, node 20\.19\.0, requirements\.txt sha256:[0-9a-f]{12}…/));
    const run = trace.nodes.find((n) => n.type === 'run')!;
    expect(run.facts).toMatchObject({ status: 'FINISHED', externalIds: { databricks: { job_id: '42', run_id: '777' } } });
    expect(trace.counts).toEqual({ run: 1, code: 1, data: 1, environment: 1, artifact: 1 });
  });

  it('answers the same over HTTP through the SDK as embedded', async () => {
    for (const [id, options] of [
      ['amazon-recommender@champion', {}],
      [data.digest, { direction: 'downstream', depth: 3 }],
      ['3f9d2c1', { direction: 'downstream', type: 'commit' }],
    ] as const) {
      expect(await client.trace(id, options)).toEqual(await traces.trace(id, options));
    }
    const fromData = await client.trace(data.digest, { direction: 'downstream' });
    expect(fromData.nodes.filter((n) => n.type !== 'artifact').map((n) => `${n.type}:${n.id}@${n.depth}`)).toEqual([
      `data:${data.digest}@0`,
      `run:${trained.runId}@1`,
      'model_version:amazon-recommender/1@2',
    ]);
    expect(formatTrace(fromData, 'text')).toMatch(/^impact {5}1 model version, 1 run, 1 artifact$/m);
  });

  it('resolves ids and reports bad ones with the right status', async () => {
    const get = (query: string) => app.inject({ method: 'GET', url: `/api/lineage/${query}` });
    expect((await get('resolve?id=amazon-recommender%40champion')).json()).toEqual({ type: 'model_version', id: 'amazon-recommender/1' });
    expect((await get(`resolve?id=${trained.runId.slice(0, 8)}`)).json()).toEqual({ type: 'run', id: trained.runId });
    const unknown = await get('trace?id=ffffffffffff');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error_code: 'NOT_FOUND' });
    for (const bad of ['trace', 'trace?id=3f9d2c1&depth=99', 'trace?id=3f9d2c1&depth=x', 'trace?id=3f9d2c1&direction=sideways', 'trace?id=3f9d2c1&type=banana']) {
      const response = await get(bad);
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().error_code).toBe('INVALID_ARGUMENT');
    }
  });
});
