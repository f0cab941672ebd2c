import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/api/server.js';
import { openThreadline, type Threadline } from '../src/context.js';
import { dialects, freshDatabaseUrl } from './dialects.js';
import { encode, hostileString } from './fuzz/arbitraries.js';
import { filterText, orderByClause } from './fuzz/filters.js';
import { describeRequest, requestTo, routeCollector, send, type FuzzRequest, type KnownIds, type Route } from './fuzz/requests.js';
import { plantSnapshot, type Snapshot } from './fuzz/snapshot.js';

/**
 * The hostile-input probe as a test: every route of the native, MLflow and OpenLineage APIs (as
 * the server itself lists them, so new routes are fuzzed too) gets generated malformed requests,
 * every filter grammar generated filters, the artifact routes hostile names. Nothing may answer
 * 5xx or crash the process, memory stays bounded, and records planted before are unchanged.
 *
 * THREADLINE_FUZZ_RUNS scales the case count (default 700 route cases per dialect, with a
 * half as many filters and a quarter as many artifact names); THREADLINE_FUZZ_SEED replays a run (`random` for a new one).
 */
const runs = Number(process.env.THREADLINE_FUZZ_RUNS ?? 700);
// A fixed seed by default, so that CI is repeatable; `random` draws a new one (printed on failure).
const seedSetting = process.env.THREADLINE_FUZZ_SEED ?? '20261206';
const seed = seedSetting === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(seedSetting);
const verbose = process.env.THREADLINE_FUZZ_VERBOSE === '1';
const replay = `THREADLINE_FUZZ_SEED=${seed} THREADLINE_FUZZ_RUNS=${runs}`;

function expectNone(failures: string[]): void {
  if (failures.length > 0) throw new Error(`${failures.length} kinds of 5xx answer (replay: ${replay}):\n${failures.join('\n')}`);
}

describe.each(dialects)('hostile input on %s', (dialect) => {
  let tl: Threadline;
  let app: FastifyInstance;
  let routes: Route[];
  let known: KnownIds;
  let snapshot: Snapshot;
  let before: unknown;
  let home: string;
  let rssBefore: number;
  let lastError = '';

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-fuzz-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    const collector = routeCollector();
    app = buildServer(tl, { onRoute: collector.onRoute });
    // What a 5xx hid behind "see the server log", for the failure report.
    app.addHook('onError', async (_request, _reply, error) => void (lastError = error.stack?.split('\n').slice(0, 3).join(' | ') ?? String(error)));
    await app.ready();
    routes = collector.routes;
    snapshot = await plantSnapshot(tl, app);
    before = await snapshot.read();
    // Entities the fuzz may name (and change): path parameters are drawn from these often.
    const run = await tl.runs.create({ name: 'fz', tags: { team: 'alpha' } });
    await tl.runs.logBatch(run.runId, { params: [{ key: 'k', value: 'v' }], metrics: [{ key: 'k', value: 1, timestamp: Date.now(), step: 0 }] });
    await tl.models.createModel({ name: 'fz' });
    await tl.models.createVersion({ name: 'fz', source: `runs:/${run.runId}/model`, runId: run.runId });
    const blob = await tl.artifacts.putBytes('fz');
    await tl.runs.recordArtifact(run.runId, { path: 'a/b.txt', digest: blob.digest, size: blob.size, mediaType: 'text/plain' });
    known = {
      id: [run.runId, run.runId.slice(0, 8), '0', run.experimentId],
      name: ['fz'],
      version: ['1', '2'],
      key: ['k', 'team'],
      alias: ['champion'],
      digest: [blob.digest],
      env: ['prod'],
      '*': ['a/b.txt', 'fz/1', 'fz@champion', `0/${run.runId}/artifacts/a/b.txt`, `${run.experimentId}/${run.runId}/artifacts/x`],
    };
    // The OpenLineage schema compiles on first use (seconds on a busy machine): not a fuzz case.
    await app.inject({ method: 'POST', url: '/api/v1/lineage', payload: {} });
    rssBefore = process.memoryUsage().rss;
  });

  afterAll(async () => {
    await app?.close();
    await tl?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  /** Sends every generated request; collects (deduplicated) those that got a 5xx. */
  async function probe(arbitrary: fc.Arbitrary<FuzzRequest>, numRuns: number): Promise<string[]> {
    const failures = new Map<string, string>();
    await fc.assert(
      fc.asyncProperty(arbitrary, async (r) => {
        lastError = '';
        const started = performance.now();
        const { status, text } = await send(app, r);
        const ms = performance.now() - started;
        if (verbose && ms > 200) console.log(`slow: ${Math.round(ms)} ms ${status} ${describeRequest(r).slice(0, 300)}`);
        if (status >= 500) failures.set(`${r.method} ${r.url.split('?')[0]!.slice(0, 80)} ${status} ${lastError.slice(0, 60)}`, `${status} ${lastError || text} ← ${describeRequest(r)}`);
        return true;
      }),
      { seed, numRuns },
    );
    return [...failures.values()];
  }

  it('enumerates the native, MLflow and OpenLineage routes from the server itself', () => {
    const urls = routes.map((r) => r.url);
    expect(urls).toEqual(expect.arrayContaining(['/api/runs/:id', '/api/2.0/mlflow/runs/search', '/ajax-api/2.0/mlflow/runs/search', '/api/v1/lineage', '/api/2.0/mlflow-artifacts/artifacts/*']));
    expect(routes.length).toBeGreaterThan(90);
  });

  it('answers malformed requests to every route with 4xx, never 5xx', async () => {
    const failures = await probe(fc.constantFrom(...routes).chain((route) => requestTo(route, known)), runs);
    expectNone(failures);
  });

  it('answers generated filters and order_by on every search with 4xx or results', async () => {
    const experimentIds = fc.oneof(fc.constant(['0']), fc.array(hostileString, { maxLength: 3 }));
    const search = fc.record({ filter: filterText, orderBy: fc.array(orderByClause, { maxLength: 3 }), experimentIds, grammar: fc.nat(7) }).map(({ filter, orderBy, experimentIds, grammar }): FuzzRequest => {
      const query = [`filter=${encode(filter)}`, ...orderBy.map((o) => `order_by=${encode(o)}`)].join('&');
      const json = (url: string, body: unknown): FuzzRequest => ({ method: 'POST', url, body: { contentType: 'application/json', payload: JSON.stringify(body) } });
      const get = (url: string): FuzzRequest => ({ method: 'GET', url: `${url}?${query}`, body: {} });
      const mlflow = grammar % 2 === 0 ? '/api/2.0/mlflow' : '/ajax-api/2.0/mlflow';
      switch (grammar) {
        case 0:
        case 1:
          return json(`${mlflow}/runs/search`, { experiment_ids: experimentIds, filter, order_by: orderBy });
        case 2:
          return json(`${mlflow}/experiments/search`, { filter, order_by: orderBy });
        case 3:
          return get(`${mlflow}/registered-models/search`);
        case 4:
          return get(`${mlflow}/model-versions/search`);
        case 5:
          return { method: 'GET', url: `/api/models?filter=${encode(filter)}${orderBy.map((o) => `&orderBy=${encode(o)}`).join('')}`, body: {} };
        default:
          return { method: 'GET', url: `/api/model-versions?filter=${encode(filter)}${orderBy.map((o) => `&orderBy=${encode(o)}`).join('')}`, body: {} };
      }
    });
    const failures = await probe(search, Math.ceil(runs / 2));
    expectNone(failures);
  });

  it('keeps hostile artifact names inside the artifact store', async () => {
    const runId = known.id![0]!;
    const name = fc.array(fc.oneof(hostileString, fc.constantFrom('..', '.', '', '/', '\u0000', '%2e%2e', 'x'.repeat(5000), 'ü', '\\..\\')), { minLength: 1, maxLength: 5 });
    const artifact = fc.record({ parts: name, method: fc.constantFrom('PUT', 'GET', 'DELETE'), proxy: fc.boolean(), raw: fc.boolean() }).map(({ parts, method, proxy, raw }): FuzzRequest => {
      const rest = parts.map((p) => (raw ? p.replace(/[?#%\s\u0000-\u001f\u007f-\uffff]/g, encode) : encode(p))).join('/');
      const url = proxy ? `/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/${rest}` : `/api/runs/${runId}/artifacts/${rest}`;
      return { method: proxy || method !== 'DELETE' ? method : 'GET', url, body: { contentType: 'application/octet-stream', payload: 'hostile' } };
    });
    const outside = fs.readdirSync(home);
    const failures = await probe(artifact, Math.ceil(runs / 4));
    expectNone(failures);
    // Blobs are content-addressed: whatever the names, nothing new appears beside the store.
    expect(fs.readdirSync(home)).toEqual(outside);
  });

  it('is still up, with bounded memory and the planted records unchanged', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    expect(await snapshot.read()).toEqual(before);
    const grownMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    expect(grownMb, 'RSS growth in MB over the fuzz').toBeLessThan(512);
  });
});
