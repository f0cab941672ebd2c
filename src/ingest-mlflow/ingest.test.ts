import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, makeGitRepo } from '../../test/cli.js';
import { dialects, freshDatabaseUrl } from '../../test/dialects.js';
import { captureCode } from '../capture/git.js';
import { openThreadline, type Threadline } from '../context.js';
import { TraceService } from '../lineage/trace.js';
import { codeTagsOf } from './code-from-tags.js';
import { datasetTagKey, type MlflowDatasetInput } from './dataset-inputs.js';
import { readableSource } from './dataset-source.js';
import { dataVersionFromDataset } from './dataset-version.js';
import { externalIdsFromTags } from './external-ids-from-tags.js';
import { MlflowIngest } from './ingest-service.js';

const delta = (version: number, digest: string): MlflowDatasetInput => ({
  tags: [{ key: 'mlflow.data.context', value: 'training' }],
  dataset: {
    name: 'main.reco.orders@v' + version,
    digest,
    source_type: 'delta_table',
    source: JSON.stringify({ delta_table_name: 'main.reco.orders', delta_table_version: version, is_databricks_uc_table: true }),
    schema: JSON.stringify({ mlflow_colspec: [{ type: 'string', name: 'user', required: true }, { type: 'long', name: 'item', required: true }] }),
    profile: JSON.stringify({ num_rows: 1204332, num_elements: 2408664 }),
  },
});

describe('what MLflow sources and tags read as', () => {
  it('gives each source type one readable form, credentials removed', () => {
    expect(readableSource('delta_table', '{"delta_table_name":"main.reco.orders","delta_table_version":12}')).toEqual({ uri: 'delta:main.reco.orders@v12', name: 'delta:main.reco.orders' });
    expect(readableSource('delta_table', '{"path":"dbfs:/lake/orders"}')).toEqual({ uri: 'delta:dbfs:/lake/orders', name: 'delta:dbfs:/lake/orders' });
    expect(readableSource('hugging_face', '{"path":"acme/reviews","config_name":null,"split":"train","revision":"3f9d2c1","data_dir":null,"data_files":null}')).toEqual({
      uri: 'hf:acme/reviews@3f9d2c1?split=train',
      name: 'hf:acme/reviews',
    });
    expect(readableSource('s3', '{"uri":"s3://lake/orders/2026-11-19"}').uri).toBe('s3://lake/orders/2026-11-19');
    expect(readableSource('dbfs', '{"uri":"dbfs:/mnt/lake/orders"}').uri).toBe('dbfs:/mnt/lake/orders');
    expect(readableSource('http', '{"url":"https://user:s3cret@data.example.com/orders.csv?token=abc"}').uri).toBe('https://data.example.com/orders.csv?token=REDACTED');
    expect(readableSource('spark', '{"table_name":"orders"}').uri).toBe('spark:orders');
    expect(readableSource('code', '{"tags":{"mlflow.notebook":"1"}}').uri).toBe('code:{"tags":{"mlflow.notebook":"1"}}');
    expect(readableSource('weird', 'not json').uri).toBe('weird:not json');
  });

  it('makes a data version of a dataset input: rows from the profile, columns from the schema, context in the input name', () => {
    const one = dataVersionFromDataset(delta(12, 'a1b2c3d4'));
    expect(one.data).toMatchObject({ uri: 'delta:main.reco.orders@v12', format: 'other', files: [], rowCount: 1204332, schema: [{ name: 'user', type: 'string' }, { name: 'item', type: 'long' }] });
    expect(one.data.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(one.inputName).toBe('training/main.reco.orders@v12@a1b2c3d4');
    expect(one.record).toMatchObject({ mlflowDigest: 'a1b2c3d4', sourceUri: 'delta:main.reco.orders@v12', sourceName: 'delta:main.reco.orders' });
    // Same digest and source: the same data version; another version: another.
    expect(dataVersionFromDataset({ dataset: { ...delta(12, 'a1b2c3d4').dataset, name: 'orders' } }).data.digest).toBe(one.data.digest);
    expect(dataVersionFromDataset(delta(13, 'e5f6a7b8')).data.digest).not.toBe(one.data.digest);
    const bare = dataVersionFromDataset({ dataset: { name: 'dataset', digest: '0f0f0f0f', source_type: 'local', source: '{"uri":"/tmp/x.csv"}' } });
    expect(bare).toMatchObject({ inputName: 'dataset@0f0f0f0f', context: null, data: { rowCount: null, schema: null } });
  });

  it("reads the seed's and Databricks' ids as threadline run records them", () => {
    expect(
      externalIdsFromTags({
        DBR_JOB_ID: '42',
        DBR_RUN_ID: '777',
        GIT_SHA: 'abc',
        'mlflow.databricks.jobID': '42',
        'mlflow.databricks.jobRunID': '776',
        'mlflow.databricks.notebookPath': '/Repos/acme/reco/train',
        'mlflow.databricks.workspaceURL': 'https://token:x@adb-1.azuredatabricks.net',
      }),
    ).toEqual([{ system: 'databricks', ids: { job_id: '42', run_id: '777', job_run_id: '776', notebook_path: '/Repos/acme/reco/train', workspace_url: 'https://adb-1.azuredatabricks.net', git_sha: 'abc' } }]);
    expect(externalIdsFromTags({ 'mlflow.databricks.jobID': '9', 'mlflow.databricks.jobRunID': '10' })).toEqual([{ system: 'databricks', ids: { job_id: '9', run_id: '10' } }]);
    expect(externalIdsFromTags({ GIT_SHA: 'abc', 'mlflow.user': 'alice' })).toEqual([]);
  });
});

describe.each(dialects)('MLflow ingest on %s', (dialect) => {
  let tl: Threadline;
  let ingest: MlflowIngest;
  let repo: string;
  let commit: string;
  beforeAll(async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-ingest-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    ingest = new MlflowIngest(tl);
    repo = makeGitRepo({ 'train.py': 'print(1)\n' }, 'https://github.com/acme/reco.git');
    commit = git(repo, 'rev-parse', 'HEAD');
  });
  afterAll(async () => tl.close());

  const storePatch = async (patch: NodeJS.ReadableStream) => (await tl.artifacts.put(patch)).digest;
  const mlflowRun = async (tags: Record<string, string>) => {
    const info = await tl.runs.create({ tags });
    await ingest.tagsSet(info.runId, Object.keys(tags));
    return tl.runs.get(info.runId);
  };

  it('links the code version a threadline run in that commit links to, by remote and commit, or by commit alone', async () => {
    const captured = (await captureCode(repo, { storePatch }))!;
    const withRemote = await mlflowRun({ 'mlflow.source.git.commit': commit, 'mlflow.source.git.repoURL': 'https://github.com/acme/reco.git', 'mlflow.source.git.branch': 'main' });
    expect(withRemote.code).toMatchObject({ id: captured.id, remoteUrl: 'https://github.com/acme/reco.git', commitSha: commit, branch: 'main', dirty: false });
    expect(codeTagsOf({ 'mlflow.source.git.commit': commit, 'mlflow.source.git.repoURL': 'https://deploy:s3cr3t@github.com/acme/reco.git' })?.remoteUrl).toBe('https://github.com/acme/reco.git');

    // The machine's own record (repo root known) is kept; a run with only the commit finds it.
    const threadlineRun = await tl.runs.create({});
    await tl.runs.recordCode(threadlineRun.runId, captured);
    const commitOnly = await mlflowRun({ 'mlflow.source.git.commit': commit });
    expect(commitOnly.code?.id).toBe(captured.id);
    const seedOnly = await mlflowRun({ GIT_SHA: commit.slice(0, 7) });
    expect(seedOnly.code?.id).toBe(captured.id);
    const downstream = await new TraceService(tl).trace(commit, { direction: 'downstream' });
    expect(downstream.nodes.filter((n) => n.type === 'run').map((n) => n.id).sort()).toEqual([withRemote.info.runId, threadlineRun.runId, commitOnly.info.runId, seedOnly.info.runId].sort());

    // A dirty checkout is another code version; an unknown commit without a remote is one of an unrecorded repository.
    const dirty = await mlflowRun({ 'mlflow.source.git.commit': commit, 'mlflow.source.git.repoURL': 'https://github.com/acme/reco.git', 'mlflow.source.git.dirty': 'true', 'mlflow.source.git.diff': 'diff --git a/x b/x' });
    expect(dirty.code).toMatchObject({ dirty: true, patchDigest: expect.stringMatching(/^sha256:/) });
    expect(dirty.code!.id).not.toBe(captured.id);
    const unknown = await mlflowRun({ 'mlflow.source.git.commit': 'f'.repeat(40) });
    expect(unknown.code).toMatchObject({ repoRoot: '', remoteUrl: null, commitSha: 'f'.repeat(40) });
    expect((await mlflowRun({ GIT_SHA: 'not-a-sha' })).code).toBeNull();

    // A tag set later replaces the tag-made link, one code node stays.
    await tl.runs.logBatch(unknown.info.runId, { tags: [{ key: 'mlflow.source.git.commit', value: commit }] });
    await ingest.tagsSet(unknown.info.runId, ['mlflow.source.git.commit']);
    const traced = await new TraceService(tl).trace(unknown.info.runId);
    expect(traced.nodes.filter((n) => n.type === 'code').map((n) => n.id)).toEqual([captured.id]);
  });

  it('adds the external ids as threadline.databricks.* tags once, never overwriting what the client set', async () => {
    const run = await mlflowRun({ DBR_JOB_ID: '42', DBR_RUN_ID: '777', GIT_SHA: commit, 'mlflow.databricks.notebookPath': '/Repos/acme/reco/train' });
    expect(run.tags).toMatchObject({ 'threadline.databricks.job_id': '42', 'threadline.databricks.run_id': '777', 'threadline.databricks.git_sha': commit, 'threadline.databricks.notebook_path': '/Repos/acme/reco/train', DBR_JOB_ID: '42' });
    expect(await ingest.tagsSet(run.info.runId, ['DBR_JOB_ID'])).toEqual({ code: 0, externalIds: 0, data: 0, environment: 0 });
    const databricksOnly = await mlflowRun({ 'mlflow.databricks.jobID': '9', 'mlflow.databricks.jobRunID': '10' });
    expect(databricksOnly.tags).toMatchObject({ 'threadline.databricks.job_id': '9', DBR_JOB_ID: '9', DBR_RUN_ID: '10' });
    const described = await new TraceService(tl).trace(run.info.runId, { depth: 0 });
    expect(described.nodes[0]!.summary).toContain('job 42 / run 777');
  });

  it('records dataset inputs as data versions the run read, findable by MLflow digest and by source', async () => {
    const run = await tl.runs.create({});
    const inputs = [delta(12, 'a1b2c3d4'), { tags: [{ key: 'mlflow.data.context', value: 'evaluation' }], dataset: { name: 'holdout', digest: '5e6f7a8b', source_type: 's3', source: '{"uri":"s3://lake/holdout/2026-11-19"}' } }];
    expect((await ingest.datasetsLogged(run.runId, inputs)).data).toBe(2);
    const other = await tl.runs.create({});
    await ingest.datasetsLogged(other.runId, [delta(13, 'e5f6a7b8')]);
    const got = await tl.runs.get(run.runId);
    expect(got.io.map((io) => io.name).sort()).toEqual(['evaluation/holdout@5e6f7a8b', 'training/main.reco.orders@v12@a1b2c3d4']);
    const traces = new TraceService(tl);
    const v12 = await traces.resolve('delta:main.reco.orders@v12');
    expect(v12).toEqual({ type: 'data', id: got.io.find((io) => io.name.startsWith('training/'))!.ref });
    expect(await traces.resolve('a1b2c3d4')).toEqual(v12);
    expect(await traces.resolve('s3://lake/holdout/2026-11-19')).toMatchObject({ type: 'data' });
    await expect(traces.resolve('delta:main.reco.orders')).rejects.toThrow(/ambiguous.*@v12.*@v13|ambiguous.*@v13.*@v12/);
    const up = await traces.trace(run.runId);
    const data = up.nodes.filter((n) => n.type === 'data');
    expect(data.map((n) => n.summary).sort()).toEqual([
      expect.stringMatching(/^delta:main\.reco\.orders@v12 {2}sha256:.* {2}\(1,204,332 rows\) {2}mlflow main\.reco\.orders@v12 a1b2c3d4$/),
      expect.stringMatching(/^s3:\/\/lake\/holdout\/2026-11-19 {2}sha256:.*\(rows not known\) {2}mlflow holdout 5e6f7a8b$/),
    ]);
    const down = await traces.trace('delta:main.reco.orders@v12', { direction: 'downstream' });
    expect(down.nodes.filter((n) => n.type === 'run').map((n) => n.id)).toEqual([run.runId]);
  });

  it('backfills runs stored before ingest, once: a second pass changes nothing', async () => {
    const experiment = await tl.experiments.ensure('backfill');
    const tags = { 'mlflow.source.git.commit': commit, 'mlflow.source.git.repoURL': 'https://github.com/acme/reco.git', DBR_JOB_ID: '7', DBR_RUN_ID: '8' };
    const info = await tl.runs.create({ experimentId: experiment.experimentId, tags });
    const input = delta(14, 'c0ffee00');
    await tl.runs.logBatch(info.runId, { tags: [{ key: datasetTagKey(input.dataset), value: JSON.stringify(input) }] });
    for (const [name, content] of Object.entries({ MLmodel: 'mlflow_version: 2.17.2\n', 'requirements.txt': 'mlflow==2.17.2\n', 'python_env.yaml': 'python: 3.10.12\n', 'model.pkl': 'x' })) {
      const blob = await tl.artifacts.putBytes(content);
      await tl.runs.recordArtifact(info.runId, { path: `model/${name}`, digest: blob.digest, size: blob.size, mediaType: null });
    }
    const untouched = await tl.runs.create({ experimentId: experiment.experimentId });
    expect((await tl.runs.get(info.runId)).code).toBeNull();

    const first = await ingest.backfill({ experimentIds: [experiment.experimentId] });
    expect(first).toEqual({ runs: 2, changedRuns: 1, code: 1, externalIds: 2, data: 1, environment: 1 });
    const run = await tl.runs.get(info.runId);
    expect(run.code?.id).toBe((await captureCode(repo, { storePatch }))!.id);
    expect(run.environment).toMatchObject({ runtimes: { python: '3.10.12', mlflow: '2.17.2' } });
    expect(run.io).toEqual([expect.objectContaining({ direction: 'input', kind: 'data', name: 'training/main.reco.orders@v14@c0ffee00', ref: expect.stringMatching(/^sha256:/) })]);
    expect(run.tags['threadline.databricks.run_id']).toBe('8');
    expect((await tl.runs.get(untouched.runId)).code).toBeNull();
    expect(await ingest.backfill({ experimentIds: [experiment.experimentId] })).toEqual({ runs: 2, changedRuns: 0, code: 0, externalIds: 0, data: 0, environment: 0 });
    expect((await new TraceService(tl).trace(info.runId)).nodes.filter((n) => n.type === 'environment')).toHaveLength(1);
  });
});
