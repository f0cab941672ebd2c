import os from 'node:os';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects, freshStore } from '../../test/dialects.js';
import { edgesFrom } from '../lineage/edge-store.js';
import type { Store } from '../store/database.js';
import { RunService } from '../tracking/run-service.js';
import { ModelService } from './model-service.js';

const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe.each(dialects)('model registry on %s', (dialect) => {
  let store: Store;
  let runs: RunService;
  let models: ModelService;

  beforeEach(async () => {
    store = await freshStore(dialect);
    runs = new RunService(store);
    models = new ModelService(store, runs);
  });
  afterEach(async () => {
    await store.close();
  });

  async function runWithModel(): Promise<string> {
    const run = await runs.create({ name: 'train' });
    await runs.recordArtifact(run.runId, { path: 'model/model.json', digest: digest('weights'), size: 7, mediaType: null });
    await runs.recordArtifact(run.runId, { path: 'model/MLmodel', digest: digest('mlmodel'), size: 7, mediaType: null });
    await runs.recordArtifact(run.runId, { path: 'metrics.txt', digest: digest('m'), size: 1, mediaType: null });
    return run.runId;
  }

  it('creates, gets, updates and refuses duplicates and unknown models', async () => {
    const created = await models.createModel({ name: 'reco', description: 'first', tags: { team: 'ml' } });
    expect(created).toMatchObject({ name: 'reco', description: 'first', tags: { team: 'ml' }, aliases: [], latestVersions: [] });
    await expect(models.createModel({ name: 'reco' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(models.getModel('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(models.createModel({ name: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(models.createModel({ name: 'a/b' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await models.updateModel('reco', { description: 'second' })).description).toBe('second');
    await models.setModelTag('reco', 'owner', 'ana');
    await models.deleteModelTag('reco', 'team');
    expect((await models.getModel('reco')).tags).toEqual({ owner: 'ana' });
    await expect(models.deleteModelTag('reco', 'team')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(models.createVersion({ name: 'nope', source: 's3://x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('numbers versions 1, 2, 3… per model, also under concurrent registration', async () => {
    await models.createModel({ name: 'a' });
    await models.createModel({ name: 'b' });
    const created = await Promise.all(Array.from({ length: 12 }, (_, i) => models.createVersion({ name: i % 3 === 0 ? 'b' : 'a', source: `s3://bucket/${i}` })));
    const numbers = (name: string) => created.filter((v) => v.name === name).map((v) => v.version).sort((x, y) => x - y);
    expect(numbers('a')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(numbers('b')).toEqual([1, 2, 3, 4]);
  });

  it('links a version to its run and the digest of its files, from a runs:/ source', async () => {
    const runId = await runWithModel();
    await models.createModel({ name: 'reco' });
    const folder = await models.createVersion({ name: 'reco', source: `runs:/${runId}/model`, tags: { DBR_RUN_ID: '777' } });
    expect(folder).toMatchObject({ version: 1, runId, status: 'READY', currentStage: 'None', tags: { DBR_RUN_ID: '777' } });
    // A folder's digest is over its sorted (relative path, digest) lines.
    const manifest = `MLmodel\t${digest('mlmodel')}\nmodel.json\t${digest('weights')}\n`;
    expect(folder.artifactDigest).toBe(digest(manifest));
    const file = await models.createVersion({ name: 'reco', source: `runs:/${runId}/model/model.json` });
    expect(file.artifactDigest).toBe(digest('weights'));
    const edges = await edgesFrom(store.db, { type: 'model_version', id: 'reco/1' });
    expect(edges.map((e) => [e.relation, e.to.type, e.to.id]).sort()).toEqual([
      ['packages', 'artifact', digest(manifest)],
      ['trained_by', 'run', runId],
    ]);
    const elsewhere = await models.createVersion({ name: 'reco', source: 's3://bucket/model' });
    expect(elsewhere).toMatchObject({ runId: null, artifactDigest: null });
    await expect(models.createVersion({ name: 'reco', source: 's3://x', runId: 'f'.repeat(32) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(models.register({ name: 'reco', runId, artifactPath: 'nothing-here' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const registered = await models.register({ name: 'new-model', runId: runId.slice(0, 32), artifactPath: 'model', tags: { k: 'v' } });
    expect(registered).toMatchObject({ name: 'new-model', version: 1, source: `runs:/${runId}/model`, artifactDigest: digest(manifest) });
  });

  it('records every alias move: who, when, from which version to which', async () => {
    await models.createModel({ name: 'reco' });
    for (let i = 0; i < 3; i++) await models.createVersion({ name: 'reco', source: `s3://m/${i}` });
    const before = Date.now();
    await models.setAlias('reco', 'champion', 1, 'alice');
    await models.setAlias('reco', 'champion', '2', 'bob');
    await models.setAlias('reco', 'champion', 2, 'bob'); // no move, no row
    await models.setAlias('reco', 'challenger', 3);
    await models.deleteAlias('reco', 'challenger', 'carol');
    expect((await models.getByAlias('reco', 'champion')).version).toBe(2);
    expect((await models.getVersion('reco', 2)).aliases).toEqual(['champion']);
    expect((await models.getModel('reco')).aliases).toEqual([{ alias: 'champion', version: 2 }]);
    const history = await models.history('reco');
    expect(history.map((h) => [h.alias, h.fromVersion, h.toVersion, h.actor])).toEqual([
      ['champion', null, 1, 'alice'],
      ['champion', 1, 2, 'bob'],
      // Nobody named: embedded use records the local login name, never 'unknown'.
      ['challenger', null, 3, os.userInfo().username],
      ['challenger', 3, null, 'carol'],
    ]);
    expect(history.every((h) => h.time >= before && h.time <= Date.now())).toBe(true);
    await expect(models.getByAlias('reco', 'challenger')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(models.deleteAlias('reco', 'challenger')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(models.setAlias('reco', 'champion', 9)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(models.setAlias('reco', 'latest', 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(models.setAlias('reco', 'v3', 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('keeps the alias history a true chain when moves race', async () => {
    await models.createModel({ name: 'reco' });
    for (let i = 0; i < 6; i++) await models.createVersion({ name: 'reco', source: `s3://m/${i}` });
    await Promise.all([1, 2, 3, 4, 5, 6].map((v) => models.setAlias('reco', 'champion', v, `user${v}`)));
    const history = await models.history('reco');
    expect(history).toHaveLength(6);
    // Each move starts where the one before it ended.
    history.forEach((move, i) => expect(move.fromVersion).toBe(i === 0 ? null : history[i - 1]!.toVersion));
    expect((await models.getByAlias('reco', 'champion')).version).toBe(history.at(-1)!.toVersion);
  });

  it('transitions stages, archiving the others in the stage when asked', async () => {
    await models.createModel({ name: 'reco' });
    for (let i = 0; i < 3; i++) await models.createVersion({ name: 'reco', source: `s3://m/${i}` });
    await models.transitionStage('reco', 1, 'production');
    await models.transitionStage('reco', 2, 'Production');
    expect((await models.getVersion('reco', 1)).currentStage).toBe('Production');
    await models.transitionStage('reco', 3, 'Production', true);
    const stagesNow = await Promise.all([1, 2, 3].map(async (v) => (await models.getVersion('reco', v)).currentStage));
    expect(stagesNow).toEqual(['Archived', 'Archived', 'Production']);
    expect((await models.latestVersions('reco')).map((v) => [v.version, v.currentStage])).toEqual([
      [2, 'Archived'],
      [3, 'Production'],
    ]);
    expect((await models.latestVersions('reco', ['Production'])).map((v) => v.version)).toEqual([3]);
    await expect(models.transitionStage('reco', 1, 'Gold')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(models.transitionStage('reco', 1, 'None', true)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it("finds the seed's version by name and tag, and models by name and tag", async () => {
    await models.createModel({ name: 'amazon-recommender', tags: { team: 'reco' } });
    await models.createModel({ name: 'other' });
    await models.createVersion({ name: 'amazon-recommender', source: 's3://m/1', tags: { DBR_RUN_ID: '776' } });
    await models.createVersion({ name: 'amazon-recommender', source: 's3://m/2', tags: { DBR_RUN_ID: '777', GIT_SHA: 'abc' } });
    await models.createVersion({ name: 'other', source: 's3://m/3', tags: { DBR_RUN_ID: '777' } });
    const seed = await models.searchVersions({ filter: "name='amazon-recommender' and tag.DBR_RUN_ID = '777'" });
    expect(seed.items.map((v) => `${v.name}/${v.version}`)).toEqual(['amazon-recommender/2']);
    const byTag = await models.searchVersions({ filter: "tags.DBR_RUN_ID = '777'", orderBy: ['name ASC'] });
    expect(byTag.items.map((v) => `${v.name}/${v.version}`)).toEqual(['amazon-recommender/2', 'other/1']);
    const paged = await models.searchVersions({ filter: "name LIKE 'amazon%' and version_number >= 1 and source_path LIKE 's3://%'", maxResults: 1 });
    expect(paged.items).toHaveLength(1);
    expect(paged.nextPageToken).toBeDefined();
    const next = await models.searchVersions({ filter: "name LIKE 'amazon%'", maxResults: 1, pageToken: paged.nextPageToken });
    expect(next.items).toHaveLength(1);
    expect((await models.searchModels({ filter: "name ILIKE 'AMAZON%'" })).items.map((m) => m.name)).toEqual(['amazon-recommender']);
    expect((await models.searchModels({ filter: "tags.team = 'reco'" })).items.map((m) => m.name)).toEqual(['amazon-recommender']);
    expect((await models.searchModels()).items.map((m) => m.name)).toEqual(['amazon-recommender', 'other']);
    await expect(models.searchVersions({ filter: "name = 'x' or name = 'y'" })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(models.searchVersions({ filter: "metrics.acc > 1" })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(models.searchVersions({ filter: "run_id IN ('a', 'b')" })).resolves.toEqual({ items: [] });
  });

  it('resolves name@alias, name/version, name/stage and name (latest)', async () => {
    await models.createModel({ name: 'reco' });
    for (let i = 0; i < 3; i++) await models.createVersion({ name: 'reco', source: `s3://m/${i}` });
    await models.setAlias('reco', 'champion', 2);
    await models.transitionStage('reco', 1, 'Staging');
    expect((await models.resolve('reco@champion')).version).toBe(2);
    expect((await models.resolve('reco/1')).version).toBe(1);
    expect((await models.resolve('reco/staging')).version).toBe(1);
    expect((await models.resolve('reco')).version).toBe(3);
    expect((await models.resolve('models:/reco/latest')).version).toBe(3);
    await expect(models.resolve('reco/7')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(models.resolve('ghost@champion')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(models.resolve('reco/x.y')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('deletes versions and models with what hangs on them, keeping the alias history', async () => {
    const runId = await runWithModel();
    await models.createModel({ name: 'reco', tags: { a: '1' } });
    await models.createVersion({ name: 'reco', source: `runs:/${runId}/model`, tags: { t: 'x' } });
    await models.createVersion({ name: 'reco', source: 's3://m/2' });
    await models.setAlias('reco', 'champion', 1, 'alice');
    await models.setAlias('reco', 'prod', 2, 'alice');
    await models.deleteVersion('reco', 1, 'bob');
    await expect(models.getVersion('reco', 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await models.getModel('reco')).aliases).toEqual([{ alias: 'prod', version: 2 }]);
    // Numbers are never reused: the next version is 3.
    expect((await models.createVersion({ name: 'reco', source: 's3://m/3' })).version).toBe(3);
    await models.deleteModel('reco', 'carol');
    await expect(models.getModel('reco')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(models.deleteModel('reco')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    for (const table of ['model_versions', 'model_version_tags', 'registered_model_aliases', 'registered_model_tags'] as const) {
      expect(await store.db.selectFrom(table).selectAll().execute()).toEqual([]);
    }
    const history = await models.history('reco');
    expect(history.map((h) => [h.alias, h.fromVersion, h.toVersion, h.actor])).toEqual([
      ['champion', null, 1, 'alice'],
      ['prod', null, 2, 'alice'],
      ['champion', 1, null, 'bob'],
      ['prod', 2, null, 'carol'],
    ]);
    await models.createModel({ name: 'reco' });
    expect((await models.createVersion({ name: 'reco', source: 's3://m/1' })).version).toBe(1);
    await expect(models.history('never')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('renames a model with its versions, aliases, history and lineage', async () => {
    const runId = await runWithModel();
    await models.createModel({ name: 'old' });
    await models.createModel({ name: 'taken' });
    await models.createVersion({ name: 'old', source: `runs:/${runId}/model` });
    await models.setAlias('old', 'champion', 1, 'alice');
    await expect(models.renameModel('old', 'taken')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    const renamed = await models.renameModel('old', 'new');
    expect(renamed.aliases).toEqual([{ alias: 'champion', version: 1 }]);
    expect((await models.resolve('new@champion')).runId).toBe(runId);
    expect(await models.history('new')).toHaveLength(1);
    expect(await edgesFrom(store.db, { type: 'model_version', id: 'new/1' })).toHaveLength(2);
    await expect(models.getModel('old')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
