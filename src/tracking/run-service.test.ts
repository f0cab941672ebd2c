import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../test/dialects.js';
import { edgesFrom, edgesTo } from '../lineage/edge-store.js';
import type { Store } from '../store/database.js';
import { ExperimentService } from './experiment-service.js';
import { RunService } from './run-service.js';

describe.each(dialects)('runs on %s', (dialect) => {
  let store: Store;
  let runs: RunService;
  let experiments: ExperimentService;

  beforeAll(async () => {
    store = await freshStore(dialect);
    runs = new RunService(store);
    experiments = new ExperimentService(store);
  });
  afterAll(() => store.close());

  it('creates time-ordered 32-hex run ids in the named experiment', async () => {
    const experiment = await experiments.create({ name: 'reco' });
    const a = await runs.create({ experimentId: experiment.experimentId, name: 'first' });
    const b = await runs.create({ experimentId: experiment.experimentId });
    expect(a.runId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.runId < b.runId).toBe(true);
    expect(a).toMatchObject({ name: 'first', status: 'RUNNING', lifecycleStage: 'active', experimentId: experiment.experimentId });
    expect(a.artifactUri).toBe(`mlflow-artifacts:/${experiment.experimentId}/${a.runId}/artifacts`);
    expect((await runs.get(a.runId)).tags['mlflow.runName']).toBe('first');
    const listed = await runs.list({ experimentIds: [experiment.experimentId] });
    expect(listed.map((r) => r.runId)).toEqual([b.runId, a.runId]);
  });

  it('refuses runs in unknown or deleted experiments', async () => {
    await expect(runs.create({ experimentId: '999' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const gone = await experiments.create({ name: 'gone' });
    await experiments.delete(gone.experimentId);
    await expect(runs.create({ experimentId: gone.experimentId })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('logs a batch of params, metrics and tags; keeps the metric series and the latest value', async () => {
    const run = await runs.create();
    await runs.logBatch(run.runId, {
      params: [{ key: 'lr', value: '0.1' }],
      metrics: [
        { key: 'loss', value: 0.9, timestamp: 1000, step: 0 },
        { key: 'loss', value: 0.5, timestamp: 1001, step: 1 },
        { key: 'loss', value: 0.7, timestamp: 999, step: 1 },
        { key: 'nanny', value: Number.NaN, timestamp: 5, step: 0 },
      ],
      tags: [{ key: 'team', value: 'a' }, { key: 'team', value: 'b' }],
    });
    const got = await runs.get(run.runId);
    expect(got.params).toEqual({ lr: '0.1' });
    expect(got.metrics.loss).toEqual({ key: 'loss', value: 0.5, timestamp: 1001, step: 1 });
    expect(Number.isNaN(got.metrics.nanny!.value)).toBe(true);
    expect(got.tags.team).toBe('b');
    const history = await runs.metricHistory(run.runId, 'loss');
    expect(history.map((m) => [m.step, m.timestamp, m.value])).toEqual([[0, 1000, 0.9], [1, 999, 0.7], [1, 1001, 0.5]]);
    // A later batch with an older point does not move the latest value back.
    await runs.logBatch(run.runId, { metrics: [{ key: 'loss', value: 0.1, timestamp: 10, step: 0 }] });
    expect((await runs.get(run.runId)).metrics.loss!.value).toBe(0.5);
  });

  it('keeps params write-once and loses nothing of a rejected batch', async () => {
    const run = await runs.create();
    await runs.logBatch(run.runId, { params: [{ key: 'depth', value: '3' }] });
    await runs.logBatch(run.runId, { params: [{ key: 'depth', value: '3' }] }); // same value: fine
    await expect(
      runs.logBatch(run.runId, {
        params: [{ key: 'depth', value: '4' }],
        metrics: [{ key: 'acc', value: 1, timestamp: 1, step: 0 }],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("key='depth'") });
    const got = await runs.get(run.runId);
    expect(got.params).toEqual({ depth: '3' });
    expect(got.metrics).toEqual({});
  });

  it('rejects oversize batches and bad keys with the limit named', async () => {
    const run = await runs.create();
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: `m${i}`, value: i, timestamp: 1, step: 0 }));
    await expect(runs.logBatch(run.runId, { metrics })).rejects.toThrow(/at most 1000 metrics/);
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'x' }));
    await expect(runs.logBatch(run.runId, { params })).rejects.toThrow(/at most 100 params/);
    await expect(runs.logBatch(run.runId, { params: [{ key: '../etc', value: 'x' }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(runs.logBatch(run.runId, { params: [{ key: 'big', value: 'x'.repeat(6001) }] })).rejects.toThrow(/6000/);
  });

  it('writes a batch of 1000 metrics in one go', async () => {
    const run = await runs.create();
    const metrics = Array.from({ length: 1000 }, (_, i) => ({ key: `m${i % 50}`, value: i, timestamp: 1000 + i, step: i }));
    await runs.logBatch(run.runId, { metrics });
    const got = await runs.get(run.runId);
    expect(Object.keys(got.metrics)).toHaveLength(50);
    expect(got.metrics.m7!.value).toBe(957);
    expect(await runs.metricHistory(run.runId, 'm7')).toHaveLength(20);
  });

  it('deletes and restores runs; deleted runs take no logging', async () => {
    const run = await runs.create();
    await runs.setLifecycle(run.runId, 'deleted');
    expect((await runs.info(run.runId)).lifecycleStage).toBe('deleted');
    await expect(runs.logBatch(run.runId, { tags: [{ key: 'a', value: 'b' }] })).rejects.toThrow(/must be in the 'active' state/);
    expect((await runs.list()).some((r) => r.runId === run.runId)).toBe(false);
    await runs.setLifecycle(run.runId, 'active');
    await runs.logBatch(run.runId, { tags: [{ key: 'a', value: 'b' }] });
    expect((await runs.get(run.runId)).tags.a).toBe('b');
  });

  it('updates status and end time, and rejects unknown statuses', async () => {
    const run = await runs.create();
    const done = await runs.update(run.runId, { status: 'FINISHED', endTime: run.startTime + 5, exitCode: 0 });
    expect(done).toMatchObject({ status: 'FINISHED', endTime: run.startTime + 5, exitCode: 0 });
    await expect(runs.update(run.runId, { status: 'DONE' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('answers unknown ids with NOT_FOUND and resolves unique prefixes', async () => {
    await expect(runs.get('0'.repeat(32))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(runs.get('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const run = await runs.create();
    expect(await runs.resolveId(run.runId.slice(0, 31))).toBe(run.runId);
    await expect(runs.resolveId('ffffffff')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('records code, environment, data and artifacts as lineage edges', async () => {
    const run = await runs.create();
    const code = { id: 'sha256:' + 'c'.repeat(64), repoRoot: '/r', remoteUrl: 'https://example.com/r.git', commitSha: 'a'.repeat(40), branch: 'main', dirty: false, patchDigest: null };
    await runs.recordCode(run.runId, code);
    const environment = {
      digest: 'sha256:' + 'e'.repeat(64), os: 'linux', osRelease: '6', arch: 'x64', runtimes: { node: 'v20' }, lockfiles: [],
      pythonPackages: null, containerImageDigest: null, envVarNames: ['HOME'], envVars: {},
    };
    await runs.recordEnvironment(run.runId, environment);
    const data = {
      digest: 'sha256:' + 'd'.repeat(64), uri: 'orders.csv', format: 'csv' as const, totalSize: 10,
      files: [{ path: 'orders.csv', size: 10, digest: 'sha256:' + 'f'.repeat(64) }], rowCount: 2, schema: [{ name: 'a', type: 'BIGINT' }],
    };
    await runs.recordData(run.runId, 'input', 'data/orders.csv', data);
    await runs.recordData(run.runId, 'input', 'data/orders.csv', data); // idempotent
    await runs.recordArtifact(run.runId, { path: 'model/model.json', digest: 'sha256:' + '1'.repeat(64), size: 3, mediaType: 'application/json' });

    const got = await runs.get(run.runId);
    expect(got.code).toEqual(code);
    expect(got.environment).toEqual(environment);
    expect(got.io).toEqual([{ direction: 'input', kind: 'data', name: 'data/orders.csv', ref: data.digest, manifest: data.files }]);
    expect(got.artifacts.map((a) => a.path)).toEqual(['model/model.json']);
    expect(await runs.dataVersion(data.digest)).toEqual(data);

    const upstream = await edgesFrom(store.db, { type: 'run', id: run.runId });
    expect(upstream.map((e) => `${e.relation}:${e.to.type}`).sort()).toEqual(['ran_in:environment', 'read:data', 'used_code:code']);
    const downstream = await edgesTo(store.db, { type: 'run', id: run.runId });
    expect(downstream).toEqual([{ from: { type: 'artifact', id: 'sha256:' + '1'.repeat(64) }, relation: 'produced_by', to: { type: 'run', id: run.runId } }]);
  });
});

describe.each(dialects)('experiments on %s', (dialect) => {
  let store: Store;
  let experiments: ExperimentService;
  beforeAll(async () => {
    store = await freshStore(dialect);
    experiments = new ExperimentService(store);
  });
  afterAll(() => store.close());

  it('creates, renames, tags, deletes and restores', async () => {
    const e = await experiments.create({ name: 'alpha', tags: { owner: 'me' } });
    expect(e).toMatchObject({ name: 'alpha', lifecycleStage: 'active', tags: { owner: 'me' }, artifactLocation: `mlflow-artifacts:/${e.experimentId}` });
    await expect(experiments.create({ name: 'alpha' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await experiments.rename(e.experimentId, 'beta');
    expect((await experiments.getByName('beta')).experimentId).toBe(e.experimentId);
    await experiments.setTag(e.experimentId, 'stage', 'dev');
    await experiments.deleteTag(e.experimentId, 'owner');
    expect((await experiments.get(e.experimentId)).tags).toEqual({ stage: 'dev' });
    await experiments.delete(e.experimentId);
    expect((await experiments.list('active')).map((x) => x.name)).not.toContain('beta');
    expect((await experiments.list('deleted')).map((x) => x.name)).toContain('beta');
    await experiments.restore(e.experimentId);
    expect((await experiments.get(e.experimentId)).lifecycleStage).toBe('active');
    await expect(experiments.delete('0')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(experiments.getByName('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('ensure() returns the same experiment under concurrent calls', async () => {
    const got = await Promise.all(Array.from({ length: 5 }, () => experiments.ensure('concurrent')));
    expect(new Set(got.map((g) => g.experimentId)).size).toBe(1);
  });
});
