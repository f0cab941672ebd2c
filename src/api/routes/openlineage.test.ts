import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { repoRoot } from '../../../test/cli.js';
import { openThreadline, type Threadline } from '../../context.js';
import { edgesFrom, edgesTo } from '../../lineage/edge-store.js';
import { OpenLineageService } from '../../openlineage/ingest-service.js';
import { datasetVersionDigest, olEntityId } from '../../openlineage/naming.js';
import { startServer } from '../server.js';

const examples = path.join(repoRoot, 'test/data/openlineage');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body: each test asserts the fields it reads
const example = (file: string) => JSON.parse(fs.readFileSync(path.join(examples, file), 'utf8')) as Record<string, any>;
const producer = 'https://github.com/OpenLineage/OpenLineage/tree/1.0.0/integration/airflow';
const schemaURL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const facet = { _producer: producer, _schemaURL: 'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet' };

function runEvent(eventType: string, runId: string, eventTime: string, extra: Record<string, unknown> = {}) {
  return { eventType, eventTime, producer, schemaURL, run: { runId }, job: { namespace: 'airflow', name: 'etl.load_orders' }, ...extra };
}

describe.each(dialects)('POST /api/v1/lineage on %s', (dialect) => {
  let tl: Threadline;
  let app: FastifyInstance;
  let url: string;
  let ol: OpenLineageService;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-openlineage-'));
  const post = (body: unknown) => fetch(`${url}/api/v1/lineage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    ({ app, url } = await startServer(tl, '127.0.0.1', 0));
    ol = new OpenLineageService(tl.store);
  });
  afterAll(async () => {
    await app.close();
    await tl.close();
  });

  it("ingests the spec's example events: job, run, parent, datasets and edges", async () => {
    const event = example('client-python-example_full_event.json');
    const response = await post(event);
    expect(response.status).toBe(201);
    const run = (await ol.run(event.run.runId))!;
    expect(run).toMatchObject({ state: 'COMPLETE', parentRunId: '3f5e83fa-3480-44ff-99c5-ff943904e5e8' });
    expect(Object.keys(run.facets)).toEqual(expect.arrayContaining(['nominalTime', 'parent']));
    const job = (await ol.job('my-scheduler-namespace', 'myjob.mytask'))!;
    expect(job.facets.documentation).toMatchObject({ description: 'string' });
    const runRef = { type: 'ol_run' as const, id: event.run.runId };
    const from = await edgesFrom(tl.store.db, runRef);
    expect(from).toContainEqual({ from: runRef, relation: 'instance_of', to: { type: 'job', id: job.id } });
    expect(from).toContainEqual({ from: runRef, relation: 'child_of', to: { type: 'ol_run', id: '3f5e83fa-3480-44ff-99c5-ff943904e5e8' } });
    const input = event.inputs[0];
    expect(from).toContainEqual({ from: runRef, relation: 'read', to: { type: 'dataset', id: olEntityId(input.namespace, input.name) } });
    const produced = await edgesTo(tl.store.db, runRef);
    expect(produced.filter((e) => e.relation === 'produced_by')).toHaveLength(event.outputs.length);
    // The parent is known by id and job until its own events arrive.
    expect(await ol.run('3f5e83fa-3480-44ff-99c5-ff943904e5e8')).toMatchObject({ state: null, jobId: job.id });

    for (const file of ['proxy-fluentd-event_simple.json', 'client-python-serde_example_job_event.json', 'client-python-serde_example_dataset_event.json']) {
      expect((await post(example(file))).status, file).toBe(201);
    }
    expect(await ol.dataset('openlineage', 'name')).toMatchObject({ facets: { schema: { fields: [{ name: 'a' }, { name: 'b' }] } } });
    const jobRef = { type: 'job' as const, id: olEntityId('openlineage', 'name') };
    expect(await edgesFrom(tl.store.db, jobRef)).toContainEqual({ from: jobRef, relation: 'read', to: { type: 'dataset', id: olEntityId('openlineage', 'dataset_a') } });
  });

  it('START then COMPLETE make one run; replaying either changes nothing', async () => {
    const runId = '0193c1f2-0000-7000-8000-000000000001';
    const start = runEvent('START', runId, '2026-11-20T10:00:00Z');
    const complete = runEvent('COMPLETE', runId, '2026-11-20T10:05:00.000+00:00');
    for (const body of [start, complete, start, complete]) expect((await post(body)).status).toBe(201);
    expect(await ol.run(runId)).toMatchObject({ state: 'COMPLETE', startTime: Date.parse('2026-11-20T10:00:00Z'), endTime: Date.parse('2026-11-20T10:05:00Z') });
    expect((await ol.runEvents(runId)).map((e) => e.type)).toEqual(['START', 'COMPLETE']);
    expect((await ol.job('airflow', 'etl.load_orders'))!.latestRunId).toBe(runId);
    // A late RUNNING dated before the COMPLETE does not reopen the run.
    await post(runEvent('RUNNING', runId, '2026-11-20T10:01:00Z'));
    expect((await ol.run(runId))!.state).toBe('COMPLETE');
  });

  it('a dataset version facet makes a DataVersion that the run produced', async () => {
    const runId = '0193c1f2-0000-7000-8000-000000000002';
    const output = { namespace: 's3://lake', name: 'orders/2026-11-19', facets: { version: { ...facet, datasetVersion: 'v42' } }, outputFacets: {} };
    expect((await post(runEvent('COMPLETE', runId, '2026-11-20T11:00:00Z', { outputs: [output] }))).status).toBe(201);
    const digest = datasetVersionDigest('s3://lake', 'orders/2026-11-19', 'v42');
    expect(await tl.runs.dataVersion(digest)).toMatchObject({ digest, uri: 's3://lake/orders/2026-11-19', files: [] });
    const data = { type: 'data' as const, id: digest };
    expect(await edgesFrom(tl.store.db, data)).toEqual(
      expect.arrayContaining([
        { from: data, relation: 'produced_by', to: { type: 'ol_run', id: runId } },
        { from: data, relation: 'version_of', to: { type: 'dataset', id: olEntityId('s3://lake', 'orders/2026-11-19') } },
      ]),
    );
    expect((await ol.dataset('s3://lake', 'orders/2026-11-19'))!.latestVersion).toBe(digest);
  });

  it('links a Threadline run to the dataset it declared as an input, by name or by data URI', async () => {
    const byName = await tl.runs.create({ name: 'reads-by-name' });
    const byUri = await tl.runs.create({ name: 'reads-by-uri' });
    const files = [{ path: 'orders.csv', size: 4, digest: `sha256:${'b'.repeat(64)}` }];
    const data = { digest: `sha256:${'a'.repeat(64)}`, uri: '/lake/orders.csv', format: 'csv' as const, files, totalSize: 4, rowCount: 1, schema: [{ name: 'id', type: 'BIGINT' }] };
    await tl.runs.recordData(byName.runId, 'input', 'warehouse.public.orders', data);
    await tl.runs.recordData(byUri.runId, 'input', 'orders', data);
    const outputs = [
      { namespace: 'postgres://db:5432', name: 'warehouse.public.orders' },
      { namespace: 'file', name: '/lake/orders.csv' },
    ];
    await post(runEvent('COMPLETE', '0193c1f2-0000-7000-8000-000000000003', '2026-11-20T12:00:00Z', { outputs }));
    const [table, file] = outputs.map((o) => ({ type: 'dataset' as const, id: olEntityId(o.namespace, o.name) }));
    expect(await edgesFrom(tl.store.db, { type: 'run', id: byName.runId })).toContainEqual({ from: { type: 'run', id: byName.runId }, relation: 'read', to: table });
    expect(await edgesFrom(tl.store.db, { type: 'run', id: byUri.runId })).toContainEqual({ from: { type: 'run', id: byUri.runId }, relation: 'read', to: file });
  });

  it('links a run that declares the input after the dataset arrived', async () => {
    await post(runEvent('COMPLETE', '0193c1f2-0000-7000-8000-000000000004', '2026-11-20T12:30:00Z', { outputs: [{ namespace: 's3://lake', name: 'features/v3' }] }));
    const run = await tl.runs.create({ name: 'reads-later' });
    const files = [{ path: 'part-0.parquet', size: 4, digest: `sha256:${'d'.repeat(64)}` }];
    await tl.runs.recordData(run.runId, 'input', 's3://lake/features/v3', { digest: `sha256:${'c'.repeat(64)}`, uri: 's3://lake/features/v3', format: 'other', files, totalSize: 4, rowCount: null, schema: null });
    const dataset = { type: 'dataset' as const, id: olEntityId('s3://lake', 'features/v3') };
    expect(await edgesTo(tl.store.db, dataset)).toContainEqual({ from: { type: 'run', id: run.runId }, relation: 'read', to: dataset });
  });

  /* eslint-disable @typescript-eslint/no-explicit-any -- each case spoils one field of an untyped JSON event */
  it.each([
    ['missing eventTime', (e: any) => delete e.eventTime, '/eventTime', '#/$defs/BaseEvent/required'],
    ['a runId that is no UUID', (e: any) => (e.run.runId = 'run-1'), '/run/runId', '#/$defs/Run/properties/runId/format'],
    ['an unknown eventType', (e: any) => (e.eventType = 'DONE'), '/eventType', '#/$defs/RunEvent/allOf/1/properties/eventType/enum'],
    /* eslint-enable @typescript-eslint/no-explicit-any */
  ])('refuses %s with 400 naming the path, and stores nothing', async (_what, spoil, at, schemaPath) => {
    const runId = '0193c1f2-0000-7000-8000-0000000000ff';
    const event = runEvent('START', runId, '2026-11-20T13:00:00Z', { job: { namespace: 'bad', name: 'job' } });
    spoil(event);
    const response = await post(event);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error_code: string; message: string };
    expect(body.error_code).toBe('INVALID_ARGUMENT');
    expect(body.message).toContain(`Invalid OpenLineage event at ${at}:`);
    expect(body.message).toContain(`(schema ${schemaPath})`);
    expect(await ol.run(runId)).toBeUndefined();
    expect(await ol.job('bad', 'job')).toBeUndefined();
  });

  it('refuses an event whose core facet breaks its own schema', async () => {
    const response = await post(example('proxy-fluentd-event_invalid_run_facet.json'));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/at \/run\/facets\/parent\/run\/runId: .*ParentRunFacet\.json#/);
  });
});
