import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../test/dialects.js';
import { openThreadline, type Threadline } from '../context.js';
import { addEdges } from '../lineage/edge-store.js';
import { formatText } from '../lineage/format/text.js';
import { TraceService } from '../lineage/trace.js';
import type { DeploymentsTable } from '../store/schema.js';
import { PredictionService } from './prediction-service.js';

describe.each(dialects)('predictions in trace on %s', (dialect) => {
  let tl: Threadline;
  let traces: TraceService;
  const ids = ['0193c1f2-0000-7000-8000-000000000001', '0193c1f2-0000-7000-8000-000000000002', '0193c1f2-0000-7000-8000-000000000003'];
  let runId = '';

  beforeAll(async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-pl-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(home, 'a'), s3: { region: 'us-east-1', forcePathStyle: true } });
    traces = new TraceService(tl);
    runId = (await tl.runs.create({ name: 'train' })).runId;
    const deployment = (id: string, sequence: number): DeploymentsTable => ({
      id, environment: 'prod', sequence, image_reference: null, model_name: 'reco', model_version: 1, run_id: runId, git_sha: 'a'.repeat(40),
      target: 'command', actor: 'test', created_at: 1000 + sequence, status: 'deployed', replaced_id: null, reason: 'deploy', details: '{}',
    });
    const db = tl.store.db;
    await db.insertInto('deployments').values([deployment('prod#1', 1), deployment('prod#2', 2)]).execute();
    await addEdges(tl.store.db, [
      { from: { type: 'deployment', id: 'prod#1' }, relation: 'serves', to: { type: 'model_version', id: 'reco/1' } },
      { from: { type: 'deployment', id: 'prod#2' }, relation: 'serves', to: { type: 'model_version', id: 'reco/1' } },
      { from: { type: 'model_version', id: 'reco/1' }, relation: 'trained_by', to: { type: 'run', id: runId } },
      { from: { type: 'deployment', id: 'prod#2' }, relation: 'replaced', to: { type: 'deployment', id: 'prod#1' } },
    ]);
    const prediction = (id: string, deploymentId: string | null, time: number) => ({
      id, deployment_id: deploymentId, time, method: 'POST', path: '/predict', status: 200, latency_ms: 1.5, request_body: '{}', response_body: '{}',
      truncated: 0, model_name: 'reco', model_version: 1, run_id: runId, git_sha: 'a'.repeat(40), error: null,
    });
    await db.insertInto('predictions').values([prediction(ids[0]!, 'prod#1', 5000), prediction(ids[1]!, 'prod#2', 9000), prediction(ids[2]!, null, 7000)]).execute();
  });
  afterAll(() => tl.close());

  it('walks from a prediction up through its deployment to the run', async () => {
    const trace = await traces.trace(ids[0]!);
    expect(trace.start).toEqual({ type: 'prediction', id: ids[0] });
    expect(trace.nodes.map((n) => `${n.depth}:${n.type}:${n.id}`)).toEqual([`0:prediction:${ids[0]}`, '1:deployment:prod#1', '2:model_version:reco/1', `3:run:${runId}`]);
    expect(trace.edges).toContainEqual({ from: { type: 'prediction', id: ids[0] }, relation: 'served_by', to: { type: 'deployment', id: 'prod#1' } });
    const text = formatText(trace);
    expect(text.split('\n')[0]).toContain(`${ids[0]} served 1970-01-01T00:00:05.000Z by deployment prod#1`);
    expect(text).toMatch(/\n\s+deployment\s+prod#1/);
  });

  it('does not follow what a deployment replaced: that is history, not provenance', async () => {
    const trace = await traces.trace(ids[1]!);
    expect(trace.nodes.map((n) => n.id)).toEqual([ids[1], 'prod#2', 'reco/1', runId]);
  });

  it('counts the predictions that came from a run, with their time window', async () => {
    const trace = await traces.trace(runId, { direction: 'downstream' });
    expect(trace.counts.prediction).toBe(2); // the unlinked one is not from this run
    expect(trace.leaves?.prediction).toEqual({ count: 2, first: 5000, last: 9000 });
    expect(formatText(trace)).toContain('window     2 prediction(s) between 1970-01-01T00:00:05.000Z and 1970-01-01T00:00:09.000Z');
  });

  it('shows an unlinked prediction alone, and an unknown id as NOT_FOUND', async () => {
    const trace = await traces.trace(ids[2]!);
    expect(trace.nodes.map((n) => n.type)).toEqual(['prediction']);
    expect(trace.nodes[0]!.summary).toContain('unlinked');
    await expect(traces.trace('0193c1f2-0000-7000-8000-00000000ffff')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads a prediction by its short form (the last 8 hex), and lists the candidates of an ambiguous one', async () => {
    expect(await traces.resolve('00000001')).toEqual({ type: 'prediction', id: ids[0] });
    expect((await new PredictionService(tl.store).get('00000002')).id).toBe(ids[1]);
    const error = (await traces.resolve('000000', 'prediction').catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('INVALID_ARGUMENT');
    for (const id of ids) expect(error.message).toContain(id);
    await expect(new PredictionService(tl.store).get('0000')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('too short') });
    await expect(new PredictionService(tl.store).get('0badc0de')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
