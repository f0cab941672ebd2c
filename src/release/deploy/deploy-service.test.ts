import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { dialects, freshStore } from '../../../test/dialects.js';
import { readMetrics } from '../../alerts/metrics-store.js';
import { edgesFrom } from '../../lineage/edge-store.js';
import { ModelService } from '../../registry/model-service.js';
import type { Store } from '../../store/database.js';
import { RunService } from '../../tracking/run-service.js';
import { saveImage } from '../image-store.js';
import { DeployService } from './deploy-service.js';
import { DeploymentLedger } from './deployment-ledger.js';

const digestOf = (c: string) => `sha256:${c.repeat(64)}`;

describe.each(dialects)('deployments on %s', (dialect) => {
  let store: Store;
  let runs: RunService;
  let models: ModelService;
  let home: string;
  let service: DeployService;

  beforeEach(async () => {
    store = await freshStore(dialect);
    runs = new RunService(store);
    models = new ModelService(store, runs);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-deploy-'));
    service = new DeployService(new DeploymentLedger({ store, runs, models }), home);
    await models.createModel({ name: 'reco' });
  });
  afterEach(async () => {
    await store.close();
  });

  /** A run, its model version tagged with the seed's GIT_SHA, and (optionally) an image built from it. */
  async function version(gitSha: string, imageDigestChar?: string): Promise<{ runId: string; version: number; image?: string }> {
    const run = await runs.create({ name: 'train' });
    const v = await models.createVersion({ name: 'reco', source: `s3://models/${gitSha}`, runId: run.runId, tags: { GIT_SHA: gitSha } });
    if (!imageDigestChar) return { runId: run.runId, version: v.version };
    const digest = digestOf(imageDigestChar);
    const image = await saveImage(store.db, {
      reference: `registry.local/reco@${digest}`,
      repository: 'registry.local/reco',
      digest,
      tag: `run-${run.runId}`,
      modelName: 'reco',
      modelVersion: v.version,
      runId: run.runId,
      gitSha,
      labels: {},
      layoutPath: null,
      pushed: true,
      createdAt: Date.now(),
    });
    return { runId: run.runId, version: v.version, image: image.reference };
  }

  const envFile = () => path.join(home, 'env.txt');

  it('deploys, replaces, rolls back to the previous one and by run id, with edges and history', async () => {
    const v1 = await version('aaa111', 'a');
    const v2 = await version('bbb222', 'b');
    const cmd = { environment: 'prod', target: 'command', command: 'true', actor: 'alice' };

    const first = await service.deploy('reco/1', cmd);
    expect(first.exitCode).toBe(0);
    expect(first.deployment).toMatchObject({ id: 'prod#1', sequence: 1, imageReference: v1.image, modelName: 'reco', modelVersion: 1, runId: v1.runId, gitSha: 'aaa111', target: 'command', actor: 'alice', status: 'deployed', replacedId: null, reason: 'deploy', current: true });

    const second = await service.deploy('reco/2', cmd);
    expect(second.deployment).toMatchObject({ id: 'prod#2', imageReference: v2.image, replacedId: 'prod#1', status: 'deployed', current: true });
    expect((await service.show('prod#1')).status).toBe('replaced');

    const back = await service.rollback({ environment: 'prod', actor: 'bob' });
    expect(back.deployment).toMatchObject({ id: 'prod#3', imageReference: v1.image, modelVersion: 1, runId: v1.runId, gitSha: 'aaa111', reason: 'rollback', replacedId: 'prod#2', target: 'command', actor: 'bob', current: true });
    expect(back.deployment.details.command).toBe('true');

    const byRun = await service.rollback({ environment: 'prod', runId: v2.runId });
    expect(byRun.deployment).toMatchObject({ id: 'prod#4', imageReference: v2.image, modelVersion: 2, reason: 'rollback', replacedId: 'prod#3' });

    const to = await service.rollback({ environment: 'prod', to: 1 });
    expect(to.deployment).toMatchObject({ id: 'prod#5', imageReference: v1.image, replacedId: 'prod#4' });

    const list = await service.list('prod');
    expect(list.map((d) => [d.id, d.status, d.current])).toEqual([
      ['prod#5', 'deployed', true],
      ['prod#4', 'replaced', false],
      ['prod#3', 'replaced', false],
      ['prod#2', 'replaced', false],
      ['prod#1', 'replaced', false],
    ]);
    expect((await service.show('prod')).id).toBe('prod#5');

    const edges = await edgesFrom(store.db, { type: 'deployment', id: 'prod#3' });
    expect(edges.map((e) => [e.relation, e.to.type, e.to.id]).sort()).toEqual([
      ['replaced', 'deployment', 'prod#2'],
      ['runs_image', 'image', v1.image],
      ['serves', 'model_version', 'reco/1'],
    ]);
  });

  it('numbers each environment on its own, and concurrent deploys get distinct numbers', async () => {
    await version('aaa111');
    const cmd = (environment: string) => ({ environment, target: 'command', command: 'true' });
    const results = await Promise.all([1, 2, 3, 4].map(() => service.deploy('reco/1', cmd('staging'))));
    expect(results.map((r) => r.deployment.sequence).sort()).toEqual([1, 2, 3, 4]);
    expect((await service.deploy('reco/1', cmd('prod'))).deployment.id).toBe('prod#1');
    expect((await service.list()).length).toBe(5);
  });

  it('without an image deploys the model version, with the git sha of its tag', async () => {
    const v = await version('ccc333');
    const { deployment } = await service.deploy('reco/1', { environment: 'dev', target: 'command', command: 'true' });
    expect(deployment).toMatchObject({ imageReference: null, runId: v.runId, gitSha: 'ccc333' });
    expect((await edgesFrom(store.db, { type: 'deployment', id: 'dev#1' })).map((e) => e.relation)).toEqual(['serves']);
  });

  it('refuses to roll back when there is nothing to roll back to', async () => {
    await version('aaa111', 'a');
    await expect(service.rollback({ environment: 'prod' })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: 'prod has no current deployment: nothing to roll back to' });
    await service.deploy('reco/1', { environment: 'prod', target: 'command', command: 'true' });
    await expect(service.rollback({ environment: 'prod' })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: 'prod#1 is the only deployment of prod: nothing to roll back to' });
    await expect(service.rollback({ environment: 'prod', runId: 'ffffffffff' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.rollback({ environment: 'prod', to: 9 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await service.list('prod')).length).toBe(1);
  });

  it('command target: the script sees every variable; a failure is recorded, keeps the current one, and hands on its status', async () => {
    const v = await version('aaa111', 'a');
    await models.setAlias('reco', 'champion', 1);
    const out = envFile();
    const ok = await service.deploy('reco@champion', { environment: 'prod', target: 'command', command: `env | grep -E '^(THREADLINE_|GIT_SHA=)' | sort > '${out}'` });
    expect(ok.exitCode).toBe(0);
    const seen = Object.fromEntries(fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(seen).toMatchObject({
      THREADLINE_DEPLOYMENT: 'prod#1',
      THREADLINE_ENV: 'prod',
      THREADLINE_IMAGE: v.image,
      THREADLINE_IMAGE_DIGEST: digestOf('a'),
      THREADLINE_MODEL: 'reco/1',
      THREADLINE_MODEL_VERSION: '1',
      THREADLINE_RUN_ID: v.runId,
      GIT_SHA: 'aaa111',
      THREADLINE_REASON: 'deploy',
    });

    const failed = await service.deploy('reco/1', { environment: 'prod', target: 'command', command: 'echo boom >&2; exit 7' });
    expect(failed.exitCode).toBe(7);
    expect(failed.deployment).toMatchObject({ id: 'prod#2', status: 'failed', replacedId: null, current: false, details: { exitCode: 7, error: 'deploy command exited with 7' } });
    expect((await service.show('prod')).id).toBe('prod#1');
    await expect(service.deploy('reco/1', { environment: 'prod', target: 'command' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A refusal before the target runs records nothing.
    expect((await service.list('prod')).map((d) => d.id)).toEqual(['prod#2', 'prod#1']);
  });

  it('kubernetes target: --dry-run writes the manifests under the home and changes no current deployment; without an image it refuses', async () => {
    const v = await version('aaa111', 'a');
    const real = await service.deploy('reco/1', { environment: 'prod', target: 'command', command: 'true' });
    const { deployment } = await service.deploy('reco/1', { environment: 'prod', target: 'kubernetes', dryRun: true, namespace: 'ml' });
    const file = path.join(home, 'deployments', 'prod', '2', 'manifests.yaml');
    expect(deployment).toMatchObject({ id: 'prod#2', status: 'dry_run', current: false, replacedId: null, details: { manifestsPath: file, dryRun: true, namespace: 'ml' } });
    const [dep] = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
    expect(dep.spec.template.spec.containers[0].image).toBe(v.image);
    expect(dep.metadata.namespace).toBe('ml');
    // What prod runs is still prod#1: for `show`, the list, lineage and /metrics.
    expect(await service.show('prod')).toMatchObject({ id: real.deployment.id, status: 'deployed', current: true });
    expect((await service.list('prod')).map((d) => [d.id, d.status, d.current])).toEqual([['prod#2', 'dry_run', false], ['prod#1', 'deployed', true]]);
    expect(await edgesFrom(store.db, { type: 'deployment', id: 'prod#2' })).toEqual([]);
    expect((await readMetrics(store)).deployments.map((d) => [d.id, d.status])).toEqual([['prod#1', 'deployed']]);
    await expect(service.rollback({ environment: 'prod', to: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('dry run') });

    // Rollback's "previous" skips dry runs: a first real deploy after a dry run has none.
    await service.deploy('reco/1', { environment: 'staging', target: 'kubernetes', dryRun: true });
    await service.deploy('reco/1', { environment: 'staging', target: 'command', command: 'true' });
    await expect(service.rollback({ environment: 'staging' })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });

    await version('ddd444');
    await expect(service.deploy('reco/2', { environment: 'prod', target: 'kubernetes', dryRun: true })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(service.deploy('reco/1', { environment: 'prod', target: 'kubernetes', env: {} })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('--kubeconfig') });
    expect((await service.list('prod')).length).toBe(2);
  });

  it('refuses unknown targets, bad environment names, unknown images, and stopping what it did not start', async () => {
    await version('aaa111');
    await service.deploy('reco/1', { environment: 'other', target: 'command', command: 'true' });
    await expect(service.stop('other')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('command target') });
    await expect(service.stop('nowhere')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A local server started on another machine (recorded on a shared server) is stopped there, not here.
    const ledger = new DeploymentLedger({ store, runs, models });
    await ledger.recordDeployment({ environment: 'edge', target: 'local', model: 'reco/1', details: { host: 'some-other-host', pid: process.pid } });
    await expect(service.stop('edge')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: 'edge#1 runs on host some-other-host: stop it there' });
    expect((await service.show('edge')).status).toBe('deployed');
    await expect(service.deploy('reco/1', { environment: 'prod', target: 'ssh' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(service.deploy('reco/1', { environment: '../x', target: 'command', command: 'true' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(service.deploy(`registry.local/reco@${digestOf('e')}`, { environment: 'prod', target: 'command', command: 'true' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await service.list()).map((d) => d.id).sort()).toEqual(['edge#1', 'other#1']);
  });
});

describe.each(dialects)('rollback by a run id on %s', (dialect) => {
  it('falls back to the model version trained by the run, and to the seed DBR_RUN_ID tag', async () => {
    const store = await freshStore(dialect);
    try {
      const runs = new RunService(store);
      const models = new ModelService(store, runs);
      const service = new DeployService(new DeploymentLedger({ store, runs, models }), fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-deploy-')));
      await models.createModel({ name: 'reco' });
      const run1 = await runs.create({ name: 'train' });
      await models.createVersion({ name: 'reco', source: 's3://m/1', runId: run1.runId, tags: { DBR_RUN_ID: '777' } });
      await models.createVersion({ name: 'reco', source: 's3://m/2' });
      const cmd = { environment: 'prod', target: 'command', command: 'true' };
      await service.deploy('reco/2', cmd);
      expect((await service.rollback({ environment: 'prod', runId: run1.runId })).deployment).toMatchObject({ id: 'prod#2', modelVersion: 1, imageReference: null, runId: run1.runId });
      await service.deploy('reco/2', cmd);
      expect((await service.rollback({ environment: 'prod', runId: '777' })).deployment).toMatchObject({ id: 'prod#4', modelVersion: 1 });
    } finally {
      await store.close();
    }
  });
});
