import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { digestJson } from '../../src/capture/canonical.js';
import { captureData } from '../../src/capture/data.js';
import { duckdbFactSource, tabularSource } from '../../src/validate/duckdb-facts.js';
import type { Threadline } from '../../src/context.js';
import type { ThreadlineApi } from '../../src/sdk/types.js';
import { PredictionStore } from '../../src/serving/prediction-store.js';
import { prediction } from '../../src/serving/testing.js';
import { runSuite } from '../../src/validate/evaluate.js';
import { readProject } from '../../src/observe/project-file.js';
import { pokeOnce } from '../../src/observe/scheduler.js';

/** What one case gets: the implementation under test, the context behind it (to seed), and a folder. */
export interface ContractSide {
  api: ThreadlineApi;
  tl: Threadline;
  home: string;
}

export interface ContractCase {
  name: string;
  /** The ThreadlineApi methods the case exercises (the coverage check adds them up). */
  methods: (keyof ThreadlineApi)[];
  run(side: ContractSide): Promise<void>;
}

const sha = (c: string) => `sha256:${c.repeat(64)}`;
const image = (c: string) => `registry.local/reco@${sha(c)}`;
const streamText = async (stream: NodeJS.ReadableStream) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
};

/** A finished run with a `model` artifact, as `threadline run` leaves one to register. */
async function finishedRun(api: ThreadlineApi, experimentName: string, home: string) {
  const run = await api.createRun({ experimentName, name: 'train' });
  const file = path.join(home, `${run.runId}.onnx`);
  fs.writeFileSync(file, `model of ${run.runId}`);
  await api.uploadArtifact(run.runId, 'model/model.onnx', file);
  await api.logBatch(run.runId, { params: [{ key: 'lr', value: '0.1' }], metrics: [{ key: 'auc', value: 0.9, timestamp: 1, step: 0 }] });
  await api.updateRun(run.runId, { status: 'FINISHED', endTime: Date.now() });
  return run;
}

/**
 * Issue 15 point 4: one suite of cases for every implementation of the ThreadlineApi contract.
 * Each case asserts the behaviour itself (values, error codes and lines), so the embedded API
 * (what the CLI runs without a server) and the SDK's HTTP client against `threadline server`
 * must both pass it: any drift between them fails a case on the side that drifted.
 */
export const contractCases: ContractCase[] = [
  {
    name: 'experiments: ensure is idempotent and listed by view',
    methods: ['ensureExperiment', 'listExperiments'],
    async run({ api }) {
      const first = await api.ensureExperiment('contract');
      const again = await api.ensureExperiment('contract');
      expect(again.experimentId).toBe(first.experimentId);
      expect(first).toMatchObject({ name: 'contract', lifecycleStage: 'active' });
      expect((await api.listExperiments()).map((e) => e.name)).toContain('contract');
      expect((await api.listExperiments('deleted')).map((e) => e.name)).not.toContain('contract');
      await expect(api.ensureExperiment('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
  {
    name: 'runs: create, log, update, read back by id and prefix, list, history',
    methods: ['createRun', 'logBatch', 'updateRun', 'getRun', 'listRuns', 'metricHistory'],
    async run({ api }) {
      const run = await api.createRun({ experimentName: 'runs', name: 'fit', tags: { team: 'reco' } });
      expect(run).toMatchObject({ name: 'fit', status: 'RUNNING' });
      await api.logBatch(run.runId, {
        params: [{ key: 'lr', value: '0.1' }],
        metrics: [
          { key: 'loss', value: 0.5, timestamp: 10, step: 0 },
          { key: 'loss', value: 0.25, timestamp: 20, step: 1 },
        ],
        tags: [{ key: 'stage', value: 'dev' }],
      });
      const ended = await api.updateRun(run.runId, { status: 'FINISHED', endTime: 1_000 + run.startTime });
      expect(ended).toMatchObject({ status: 'FINISHED', endTime: 1_000 + run.startTime });
      const read = await api.getRun(run.runId.slice(0, 8));
      expect(read.info.runId).toBe(run.runId);
      expect(read.params).toEqual({ lr: '0.1' });
      expect(read.tags).toMatchObject({ team: 'reco', stage: 'dev' });
      expect(read.metrics.loss).toMatchObject({ value: 0.25, step: 1 });
      expect((await api.metricHistory(run.runId, 'loss')).map((m) => [m.step, m.value])).toEqual([[0, 0.5], [1, 0.25]]);
      const listed = await api.listRuns({ experimentIds: [run.experimentId] });
      expect(listed.map((r) => r.runId)).toEqual([run.runId]);
      await expect(api.getRun('ffffffffffffffffffffffffffffffff')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.updateRun(run.runId, { status: 'SLEEPING' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
  {
    name: 'heartbeats: a beating run is running until it ends; stale runs are ended',
    methods: ['heartbeatRun', 'endStaleRuns'],
    async run({ api }) {
      const beating = await api.createRun({ experimentName: 'beats', heartbeat: true });
      expect(await api.heartbeatRun(beating.runId)).toEqual({ running: true });
      const unmonitored = await api.createRun({ experimentName: 'beats', startTime: Date.now() - 3_600_000 });
      const ended = await api.endStaleRuns({ olderThanMs: 60_000, includeUnmonitored: true });
      expect(ended).toEqual([unmonitored.runId]);
      expect((await api.getRun(unmonitored.runId)).info.status).toBe('KILLED');
      await api.updateRun(beating.runId, { status: 'FINISHED' });
      expect(await api.heartbeatRun(beating.runId)).toEqual({ running: false });
    },
  },
  {
    name: 'blobs: bytes, text and streams in; bytes and streams out; unknown digests are NOT_FOUND',
    methods: ['putBlob', 'readBlob', 'openBlob'],
    async run({ api }) {
      const text = await api.putBlob('hello contract');
      const bytes = await api.putBlob(new TextEncoder().encode('hello contract'));
      expect(bytes).toEqual(text);
      expect(text.size).toBe(14);
      const streamed = await api.putBlob(Readable.from([Buffer.from('a'.repeat(70_000)), Buffer.from('b')]));
      expect(streamed.size).toBe(70_001);
      expect((await api.readBlob(text.digest)).toString('utf8')).toBe('hello contract');
      expect(await streamText(await api.openBlob(streamed.digest))).toBe('a'.repeat(70_000) + 'b');
      await expect(api.readBlob(sha('0'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.openBlob(sha('0'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    },
  },
  {
    name: 'provenance: code, environment and data recorded on a run read back the same',
    methods: ['recordCode', 'recordEnvironment', 'recordData', 'getDataVersion'],
    async run({ api, home }) {
      const run = await api.createRun({ experimentName: 'provenance' });
      const code = { id: sha('c'), repoRoot: '/src/reco', remoteUrl: 'https://git.example/reco.git', commitSha: 'a'.repeat(40), branch: 'main', dirty: false, patchDigest: null };
      await api.recordCode(run.runId, code);
      const environment = { digest: sha('e'), os: 'linux', osRelease: '6.1', arch: 'x64', runtimes: { node: '20.19.0' }, lockfiles: [], pythonPackages: null, containerImageDigest: null, envVarNames: ['PATH'], envVars: {} };
      await api.recordEnvironment(run.runId, environment);
      fs.writeFileSync(path.join(home, 'orders.csv'), 'id,amount\n1,5\n2,7\n');
      const data = await captureData(path.join(home, 'orders.csv'));
      await api.recordData(run.runId, 'input', 'orders', data);
      expect(await api.getDataVersion(data.digest)).toEqual(data);
      const read = await api.getRun(run.runId);
      expect(read.code).toMatchObject({ commitSha: code.commitSha, branch: 'main', dirty: false });
      expect(read.environment).toMatchObject({ digest: environment.digest, runtimes: { node: '20.19.0' } });
      expect(read.io).toEqual([expect.objectContaining({ direction: 'input', name: 'orders', ref: data.digest })]);
      await expect(api.getDataVersion(sha('9'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.recordData(run.runId, 'sideways' as never, 'x', data)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
  {
    name: 'artifacts: upload a file under a path, list it; paths that escape are refused',
    methods: ['uploadArtifact', 'listArtifacts'],
    async run({ api, home }) {
      const run = await api.createRun({ experimentName: 'artifacts' });
      const file = path.join(home, 'model.onnx');
      fs.writeFileSync(file, 'not really onnx');
      const artifact = await api.uploadArtifact(run.runId, 'model/model.onnx', file, 'application/octet-stream');
      expect(artifact).toMatchObject({ path: 'model/model.onnx', size: 15, mediaType: 'application/octet-stream' });
      expect(await api.listArtifacts(run.runId)).toEqual([expect.objectContaining({ path: 'model/model.onnx', digest: artifact.digest })]);
      expect((await api.readBlob(artifact.digest)).toString()).toBe('not really onnx');
      await expect(api.uploadArtifact(run.runId, '../outside', file)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
  {
    name: 'registry: models, versions, resolve, search, aliases and their history',
    methods: ['createModel', 'getModel', 'searchModels', 'registerModel', 'createModelVersion', 'getModelVersion', 'resolveModel', 'searchModelVersions', 'setModelAlias', 'deleteModelAlias', 'modelHistory'],
    async run({ api, home }) {
      const run = await finishedRun(api, 'registry', home);
      const model = await api.createModel({ name: 'reco', description: 'recommender' });
      expect(model).toMatchObject({ name: 'reco', description: 'recommender' });
      await expect(api.createModel({ name: 'reco' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
      const v1 = await api.registerModel({ name: 'reco', runId: run.runId, artifactPath: 'model' });
      expect(v1).toMatchObject({ name: 'reco', version: 1, runId: run.runId });
      const v2 = await api.createModelVersion({ name: 'reco', source: 's3://models/reco/2' });
      expect(v2.version).toBe(2);
      const auto = await api.registerModel({ name: 'other', runId: run.runId, artifactPath: 'model' });
      expect(auto).toMatchObject({ name: 'other', version: 1 });
      await api.setModelAlias('reco', 'champion', 1, 'ci-bot');
      await api.setModelAlias('reco', 'champion', '2', 'ci-bot');
      expect(await api.resolveModel('reco@champion')).toMatchObject({ version: 2 });
      expect(await api.resolveModel('reco/1')).toMatchObject({ version: 1, runId: run.runId });
      expect((await api.getModelVersion('reco', 2)).aliases).toEqual(['champion']);
      expect((await api.getModel('reco')).aliases).toEqual([{ alias: 'champion', version: 2 }]);
      const history = await api.modelHistory('reco');
      expect(history.map((m) => [m.alias, m.fromVersion, m.toVersion, m.actor])).toEqual([
        ['champion', null, 1, 'ci-bot'],
        ['champion', 1, 2, 'ci-bot'],
      ]);
      await api.deleteModelAlias('reco', 'champion', 'ci-bot');
      await expect(api.resolveModel('reco@champion')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await api.modelHistory('reco')).at(-1)).toMatchObject({ alias: 'champion', fromVersion: 2, toVersion: null });
      expect((await api.searchModels({ filter: "name = 'reco'" })).items.map((m) => m.name)).toEqual(['reco']);
      expect((await api.searchModelVersions({ filter: "name = 'reco'", orderBy: ['version_number ASC'] })).items.map((v) => v.version)).toEqual([1, 2]);
      await expect(api.getModel('absent')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.searchModels({ filter: 'name ==== 1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
  {
    name: 'logged models: an unknown id is NOT_FOUND on both sides',
    methods: ['getLoggedModel'],
    async run({ api }) {
      await expect(api.getLoggedModel('m-0123456789abcdef0123456789abcdef')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    },
  },
  {
    name: 'trace: from a model alias up to the run, and down from the run to the version',
    methods: ['trace'],
    async run({ api, home }) {
      const run = await finishedRun(api, 'trace', home);
      await api.registerModel({ name: 'traced', runId: run.runId, artifactPath: 'model' });
      await api.setModelAlias('traced', 'prod', 1);
      const up = await api.trace('traced@prod');
      expect(up.start).toEqual({ type: 'model_version', id: 'traced/1' });
      expect(up.nodes.map((n) => `${n.type}:${n.id}`)).toEqual(expect.arrayContaining(['model_version:traced/1', `run:${run.runId}`]));
      const down = await api.trace(run.runId, { direction: 'downstream', depth: 1 });
      expect(down.nodes.map((n) => n.id)).toContain('traced/1');
      await expect(api.trace('no-such-thing-anywhere')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.trace(run.runId, { depth: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
  {
    name: 'lineage: a trace formatted as the CLI prints it (text, dot, mermaid)',
    methods: ['formatTrace'],
    async run({ api, home }) {
      const run = await finishedRun(api, 'formatted', home);
      await api.registerModel({ name: 'drawn', runId: run.runId, artifactPath: 'model' });
      const text = await api.formatTrace('drawn/1', 'text');
      expect(text).toMatch(/^model +drawn v1 /);
      expect(text).toMatch(/\n {2}run +\w+ +"train" +experiment formatted +finished ok\n/);
      expect(text).toContain('upstream   1 run, 1 artifact');
      const dot = await api.formatTrace('drawn/1', 'dot', { depth: 1 });
      expect(dot).toMatch(/^digraph threadline \{/);
      expect(dot).toMatch(/n0 -> n1 \[label="/);
      expect(await api.formatTrace(run.runId, 'mermaid', { direction: 'downstream' })).toMatch(/^flowchart LR/);
      await expect(api.formatTrace('drawn/1', 'svg' as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.formatTrace('drawn/9', 'dot')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    },
  },
  {
    name: 'runs: searched with the MLflow filter grammar, ordered and paged, with params and metrics',
    methods: ['searchRuns'],
    async run({ api }) {
      const experiment = await api.ensureExperiment('searched');
      for (const [i, auc] of [0.7, 0.9, 0.8].entries()) {
        const run = await api.createRun({ experimentId: experiment.experimentId, name: `r${i}` });
        await api.logBatch(run.runId, { params: [{ key: 'k', value: String(i) }], metrics: [{ key: 'auc', value: auc, timestamp: 1, step: 0 }] });
      }
      const experimentIds = [experiment.experimentId];
      const first = await api.searchRuns({ experimentIds, filter: 'metrics.auc >= 0.75', orderBy: ['metrics.auc DESC'], maxResults: 1 });
      expect(first.items.map((r) => [r.info.name, r.params.k, r.metrics.auc?.value])).toEqual([['r1', '1', 0.9]]);
      expect(first.nextPageToken).toEqual(expect.any(String));
      const second = await api.searchRuns({ experimentIds, filter: 'metrics.auc >= 0.75', orderBy: ['metrics.auc DESC'], maxResults: 1, pageToken: first.nextPageToken });
      expect(second.items.map((r) => r.info.name)).toEqual(['r2']);
      expect(second.nextPageToken).toBeUndefined();
      // Without experiments, every active one is searched.
      expect((await api.searchRuns({ filter: "params.k = '0' and attributes.run_name = 'r0'" })).items.map((r) => r.info.name)).toEqual(['r0']);
      await expect(api.searchRuns({ experimentIds, filter: 'metrics.auc >>> 1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
  {
    name: 'predictions: list, show, feedback one and a file',
    methods: ['listPredictions', 'getPrediction', 'recordFeedback', 'importFeedback'],
    async run({ api, tl, home }) {
      expect(await api.listPredictions()).toEqual([]);
      const served = [prediction({ deploymentId: 'prod#1', time: Date.now() - 60_000 }), prediction({ deploymentId: 'prod#2' })];
      await new PredictionStore(tl.store).insertBatch(served);
      expect((await api.listPredictions()).map((p) => p.id)).toEqual([served[1]!.id, served[0]!.id]);
      expect((await api.listPredictions({ deploymentId: 'prod#1' })).map((p) => p.id)).toEqual([served[0]!.id]);
      const feedback = await api.recordFeedback(served[0]!.id, { label: 'dog-toys' });
      expect(feedback).toMatchObject({ predictionId: served[0]!.id, label: 'dog-toys' });
      expect(await api.getPrediction(served[0]!.id)).toEqual({ ...served[0], feedback: [expect.objectContaining({ label: 'dog-toys' })] });
      await expect(api.getPrediction('01900000-0000-7000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.recordFeedback('01900000-0000-7000-8000-000000000000', { label: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const file = path.join(home, 'feedback.jsonl');
      fs.writeFileSync(file, `{"prediction_id":"${served[1]!.id}","label":"cat-food"}\n{"prediction_id":"01900000-0000-7000-8000-000000000000","label":"cat"}\n`);
      expect(await api.importFeedback(file)).toMatchObject({ recorded: 1, unknown: 1, invalid: 0 });
      await expect(api.listPredictions({ since: 'yesterday-ish' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
  {
    name: 'predictions: bulk ingest counts accepted, duplicate and rejected records',
    methods: ['ingestPredictions'],
    async run({ api }) {
      const id = '01900000-0000-7000-8000-0000000000b1';
      const record = { prediction_id: id, time: 1_800_000_000_000, method: 'POST', path: '/predict', status: 200, latency_ms: 2, request_body: '{"basket":["B01"]}', response_body: '{"items":[]}', deployment_id: 'prod#9', model_name: 'reco', model_version: 3, run_id: 'c'.repeat(32), git_sha: 'e'.repeat(40) };
      expect(await api.ingestPredictions([record, { ...record, prediction_id: 'x' }])).toEqual({ accepted: 1, duplicates: 0, rejected: 1, errors: [{ index: 1, message: 'prediction_id: must be a UUID' }] });
      expect(await api.ingestPredictions([record])).toEqual({ accepted: 0, duplicates: 1, rejected: 0, errors: [] });
      expect(await api.getPrediction(id)).toMatchObject({ id, deploymentId: 'prod#9', modelVersion: 3, gitSha: 'e'.repeat(40), requestBody: '{"basket":["B01"]}', feedback: [] });
    },
  },
  {
    name: 'predictions: every filter and newest-first paging asked of the server; bad filters refused',
    methods: ['listPredictions'],
    async run({ api, tl }) {
      // Times of their own (2023) and models and deployments no other case logs, so the other cases' rows stay out.
      const t0 = 1_700_000_000_000;
      const p = (offset: number, status: number, latencyMs: number, modelName: string, deploymentId: string) => prediction({ time: t0 + offset, status, latencyMs, modelName, deploymentId });
      const rows = [p(0, 200, 5, 'pf-a', 'pf#1'), p(1000, 400, 50, 'pf-a', 'pf#1'), p(2000, 500, 500, 'pf-b', 'pf#2'), p(3000, 200, 120, 'pf-b', 'pf#1'), p(3000, 201, 80, 'pf-a', 'pf#2'), p(4000, 399, 10, 'pf-a', 'pf#1')];
      const recent = prediction({ time: Date.now() - 30 * 60_000, modelName: 'pf-c', deploymentId: 'pf#3' });
      await new PredictionStore(tl.store).insertBatch([...rows, recent]);
      // What each query must answer, worked out here: newest first, then by id (UUIDs compare alike in both dialects).
      const expected = (keep: (r: (typeof rows)[number]) => boolean) =>
        rows
          .filter(keep)
          .sort((a, b) => b.time - a.time || (b.id < a.id ? -1 : 1))
          .map((r) => r.id);
      const ids = async (query: Parameters<typeof api.listPredictions>[0]) => (await api.listPredictions(query)).map((r) => r.id);
      const window = { since: t0, until: t0 + 10_000, limit: 100 };

      expect(await ids(window)).toEqual(expected(() => true));
      expect(await ids({ ...window, status: 'error' })).toEqual(expected((r) => r.status >= 400));
      expect(await ids({ ...window, status: 'ok' })).toEqual(expected((r) => r.status < 400));
      expect(await ids({ ...window, status: 400 })).toEqual([rows[1]!.id]);
      expect(await ids({ ...window, status: 399 })).toEqual([rows[5]!.id]);
      expect(await ids({ ...window, minLatencyMs: 50 })).toEqual(expected((r) => r.latencyMs >= 50));
      expect(await ids({ ...window, maxLatencyMs: 80 })).toEqual(expected((r) => r.latencyMs <= 80));
      expect(await ids({ ...window, minLatencyMs: 50, maxLatencyMs: 120 })).toEqual(expected((r) => r.latencyMs >= 50 && r.latencyMs <= 120));
      expect(await ids({ modelName: 'pf-b' })).toEqual(expected((r) => r.modelName === 'pf-b'));
      expect(await ids({ deploymentId: 'pf#2' })).toEqual(expected((r) => r.deploymentId === 'pf#2'));
      // An empty string is no filter.
      expect(await ids({ ...window, deploymentId: '', modelName: '' })).toEqual(expected(() => true));
      expect(await ids({ modelName: 'pf-a', status: 'ok', minLatencyMs: 6 })).toEqual(expected((r) => r.modelName === 'pf-a' && r.status < 400 && r.latencyMs >= 6));
      // `since` is inclusive and `until` exclusive, as epoch ms or ISO times.
      const at3 = new Date(t0 + 3000).toISOString();
      expect(await ids({ since: t0, until: at3 })).toEqual(expected((r) => r.time < t0 + 3000));
      expect(await ids({ since: at3, until: t0 + 10_000 })).toEqual(expected((r) => r.time >= t0 + 3000));
      expect(await ids({ since: t0 + 1000, until: t0 + 2000 })).toEqual([rows[1]!.id]);
      // Durations back from now.
      expect(await ids({ modelName: 'pf-c', since: '1h' })).toEqual([recent.id]);
      expect(await ids({ modelName: 'pf-c', since: '10m' })).toEqual([]);
      expect(await ids({ modelName: 'pf-c', until: '10m' })).toEqual([recent.id]);
      expect(await ids({ modelName: 'pf-c', until: '1h' })).toEqual([]);

      // Pages of 2 through the window: the two served at t0+3000 fall on either side of a page end.
      const pages: string[][] = [];
      let before: { time: number; id: string } | undefined;
      // Bounded: a cursor that does not move on must fail here, not loop.
      for (let i = 0; i < 10; i++) {
        const page = await api.listPredictions({ ...window, limit: 2, before });
        if (page.length === 0) break;
        pages.push(page.map((r) => r.id));
        before = { time: page.at(-1)!.time, id: page.at(-1)!.id };
      }
      const all = expected(() => true);
      expect(pages).toEqual([all.slice(0, 2), all.slice(2, 4), all.slice(4, 6)]);
      // Paging keeps the filters: one ok prediction a page.
      const okPages: string[] = [];
      for (let page = await api.listPredictions({ ...window, status: 'ok', limit: 1 }); page.length > 0 && okPages.length < 10; page = await api.listPredictions({ ...window, status: 'ok', limit: 1, before: page[0] })) okPages.push(page[0]!.id);
      expect(okPages).toEqual(expected((r) => r.status < 400));

      // Bad filters: INVALID_ARGUMENT naming the field, before anything is read.
      const refused = async (query: Parameters<typeof api.listPredictions>[0], field: string) =>
        expect(api.listPredictions(query), field).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(field) });
      await refused({ status: 'fine' as never }, 'status');
      await refused({ status: 42 }, 'status');
      await refused({ minLatencyMs: -1 }, 'minLatencyMs');
      await refused({ maxLatencyMs: Number.NaN }, 'maxLatencyMs');
      await refused({ until: 'soonish' }, 'until');
      await refused({ before: { time: -1, id: rows[0]!.id } }, 'before');
      await refused({ limit: 0 }, 'limit');
    },
  },
  {
    name: 'events: record, list newest first, show; bad events refused',
    methods: ['recordEvent', 'listEvents', 'getEvent'],
    async run({ api }) {
      const first = await api.recordEvent({ stage: 'data', kind: 'data_changed', summary: 'orders changed', time: Date.now() - 60_000 });
      const second = await api.recordEvent({ stage: 'production', kind: 'input_drift', severity: 'warning', summary: 'drift on amount' });
      expect(second).toMatchObject({ stage: 'production', kind: 'input_drift', severity: 'warning' });
      expect((await api.listEvents()).map((e) => e.id)).toEqual([second.id, first.id]);
      expect((await api.listEvents({ stage: 'data' })).map((e) => e.id)).toEqual([first.id]);
      expect(await api.getEvent(first.id)).toMatchObject({ id: first.id, summary: 'orders changed' });
      await expect(api.recordEvent({ stage: 'nowhere' as never, kind: 'x', summary: 'x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.getEvent('01900000-0000-7000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    },
  },
  {
    name: 'observer health: each observer poked by the scheduler, its successes and failures counted',
    methods: ['listObserverHealth'],
    async run({ api, tl, home }) {
      const options = { tl, config: {} as never, project: readProject({}, path.join(home, 'threadline.yaml')), log: () => undefined };
      const agent = (poke: () => Promise<void>) => ({ stage: 'code' as const, defaultInterval: '1m', settings: { parse: (x: unknown) => x } as never, poke });
      const planned = (name: string, poke: () => Promise<void>) => ({ entry: { stage: 'code' as const, name, settings: {} }, agent: agent(poke), settings: {}, intervalMs: 60_000 });
      const signal = new AbortController().signal;
      await pokeOnce(planned('code:contract-ok', async () => undefined), options, signal);
      await pokeOnce(planned('code:contract-ok', async () => undefined), options, signal);
      await pokeOnce(planned('code:contract-bad', async () => Promise.reject(new Error('git fetch failed'))), options, signal);
      const health = (await api.listObserverHealth()).filter((h) => h.observer.startsWith('code:contract-'));
      expect(health.map((h) => [h.observer, h.pokes, h.failures, h.lastError])).toEqual([
        ['code:contract-bad', 1, 1, 'git fetch failed'],
        ['code:contract-ok', 2, 0, null],
      ]);
      expect(health[0]!.lastSuccess).toBeNull();
      expect(health[1]!.lastSuccess).toBe(health[1]!.lastPoke);
    },
  },
  {
    name: 'validations: a suite result recorded, listed by data, shown; a self-contradicting one refused',
    methods: ['recordValidation', 'listValidations', 'getValidation'],
    async run({ api, home }) {
      const suite = { name: 'orders', expectations: [{ expect: 'not_null' as const, column: 'id' }] };
      const file = path.join(home, 'checked.csv');
      fs.writeFileSync(file, 'id,amount\n1,5\n2,7\n');
      const input = { data: await captureData(file), suiteName: suite.name, suiteDigest: digestJson(suite), result: await runSuite(suite, duckdbFactSource(await tabularSource(file))) };
      const recorded = await api.recordValidation(input);
      expect(recorded).toMatchObject({ success: true, evaluated: 1, failed: 0, suiteName: 'orders' });
      expect(recorded.eventId).toEqual(expect.any(String));
      expect((await api.listValidations({ data: input.data.digest })).map((v) => v.id)).toEqual([recorded.id]);
      expect(await api.getValidation(recorded.id)).toMatchObject({ id: recorded.id, dataDigest: input.data.digest });
      await expect(api.recordValidation({ ...input, result: { ...input.result, success: false } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(await api.listValidations()).toHaveLength(1);
    },
  },
  {
    name: 'MLflow backfill: a run with nothing to add is looked at, changes nothing, twice alike',
    methods: ['backfillMlflow'],
    async run({ api, home }) {
      await finishedRun(api, 'backfill', home);
      const first = await api.backfillMlflow();
      expect(first.runs).toBeGreaterThanOrEqual(1);
      expect(first.changedRuns).toBe(0);
      expect(await api.backfillMlflow()).toEqual(first);
    },
  },
  {
    name: 'images: record one for a model version, list by model, show by reference or digest',
    methods: ['recordImage', 'listImages', 'getImage'],
    async run({ api, home }) {
      const run = await finishedRun(api, 'images', home);
      await api.registerModel({ name: 'imaged', runId: run.runId, artifactPath: 'model' });
      const recorded = await api.recordImage({ reference: image('a'), model: 'imaged/1', tag: 'v1' });
      expect(recorded).toMatchObject({ reference: image('a'), digest: sha('a'), modelName: 'imaged', modelVersion: 1, runId: run.runId });
      expect((await api.listImages({ modelName: 'imaged' })).map((i) => i.reference)).toEqual([image('a')]);
      expect(await api.getImage(sha('a'))).toMatchObject({ reference: image('a') });
      expect(await api.getImage(image('a'))).toMatchObject({ modelVersion: 1 });
      await expect(api.getImage(sha('b'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.recordImage({ reference: 'not a reference', model: 'imaged/1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  },
  {
    name: 'deployments: resolve, record, replace, update, list, show, plan a rollback',
    methods: ['resolveDeploySubject', 'recordDeployment', 'updateDeployment', 'listDeployments', 'getDeployment', 'planRollback'],
    async run({ api, home }) {
      const run = await finishedRun(api, 'deploys', home);
      await api.registerModel({ name: 'dep', runId: run.runId, artifactPath: 'model' });
      await api.registerModel({ name: 'dep', runId: run.runId, artifactPath: 'model' });
      expect(await api.resolveDeploySubject('dep/1')).toMatchObject({ modelName: 'dep', modelVersion: 1, runId: run.runId, imageReference: null });
      const first = await api.recordDeployment({ environment: 'staging', target: 'command', model: 'dep/1', actor: 'ci' });
      expect(first).toMatchObject({ id: 'staging#1', status: 'deployed', modelVersion: 1, actor: 'ci', current: true });
      const second = await api.recordDeployment({ environment: 'staging', target: 'command', model: 'dep/2', actor: 'ci', status: 'pending' });
      expect(second).toMatchObject({ id: 'staging#2', status: 'pending', current: false });
      const deployed = await api.updateDeployment(second.id, { status: 'deployed', details: { exitCode: 0 } });
      expect(deployed).toMatchObject({ status: 'deployed', replacedId: 'staging#1', current: true });
      expect((await api.listDeployments('staging')).map((d) => [d.id, d.status])).toEqual([['staging#2', 'deployed'], ['staging#1', 'replaced']]);
      expect(await api.getDeployment('staging#1')).toMatchObject({ modelName: 'dep', modelVersion: 1, current: false });
      const plan = await api.planRollback('staging');
      expect(plan).toMatchObject({ target: 'command', subject: { modelVersion: 1 }, current: { id: 'staging#2' } });
      await expect(api.updateDeployment('staging#1', { status: 'exploded' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(api.getDeployment('staging#9')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.planRollback('nowhere')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    },
  },
  {
    name: 'deployments: a rollback run where the record is kept, on the current target',
    methods: ['rollback'],
    async run({ api, home }) {
      const run = await finishedRun(api, 'rollbacks', home);
      await api.registerModel({ name: 'rb', runId: run.runId, artifactPath: 'model' });
      await api.registerModel({ name: 'rb', runId: run.runId, artifactPath: 'model' });
      const marker = path.join(home, `rolled-back-${Date.now()}`);
      // The command target keeps its script in the record: a rollback runs it again, with THREADLINE_* set.
      const command = `echo "$THREADLINE_DEPLOYMENT $THREADLINE_REASON" >> '${marker}'`;
      await api.recordDeployment({ environment: 'canary', target: 'command', model: 'rb/1', actor: 'ci', details: { command } });
      await api.recordDeployment({ environment: 'canary', target: 'command', model: 'rb/2', actor: 'ci', details: { command } });
      const back = await api.rollback('canary');
      expect(back).toMatchObject({ id: 'canary#3', reason: 'rollback', status: 'deployed', modelVersion: 1, replacedId: 'canary#2', current: true });
      expect(fs.readFileSync(marker, 'utf8')).toBe('canary#3 rollback\n');
      expect(await api.rollback('canary', { to: 2 })).toMatchObject({ id: 'canary#4', modelVersion: 2 });
      await expect(api.rollback('nowhere')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    },
  },
];
