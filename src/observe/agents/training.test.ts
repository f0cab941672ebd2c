import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, makeGitRepo } from '../../../test/cli.js';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { captureCode, captureData, captureEnvironment } from '../../capture/index.js';
import { openThreadline, type Threadline } from '../../context.js';
import type { ObserverEvent } from '../../events/types.js';
import { readProject } from '../project-file.js';
import { planObservers, runOnce } from '../scheduler.js';
import { compareMetric } from '../training/compare.js';

describe.each(dialects)('training observer on %s', (dialect) => {
  let tl: Threadline;
  let repo: string;
  let experimentId: string;

  beforeAll(async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-training-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(home, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    repo = makeGitRepo({ 'train.py': 'print(1)\n', 'orders.csv': 'id,amount\n1,10\n2,20\n', 'requirements.txt': 'numpy==1.26.4\n' });
    experimentId = (await tl.experiments.ensure('reco')).experimentId;
    await tl.models.ensureModel('reco');
  });
  afterAll(() => tl.close());

  /** A training run as `threadline run` records one: real data, environment and code captured from the repo. */
  async function train(params: Record<string, string>, metrics: Record<string, number>, status: 'FINISHED' | 'RUNNING' = 'FINISHED') {
    const run = await tl.runs.create({ experimentId });
    await tl.runs.logBatch(run.runId, { params: Object.entries(params).map(([key, value]) => ({ key, value })), metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: Date.now(), step: 0 })) });
    await tl.runs.recordData(run.runId, 'input', 'orders.csv', await captureData('orders.csv', { cwd: repo }));
    await tl.runs.recordEnvironment(run.runId, await captureEnvironment({ cwd: repo, repoRoot: repo, env: { PATH: '' } }));
    await tl.runs.recordCode(run.runId, (await captureCode(repo, { storePatch: async (patch) => (await tl.artifacts.put(patch)).digest }))!);
    if (status === 'FINISHED') await tl.runs.update(run.runId, { status: 'FINISHED', endTime: Date.now() });
    return run.runId;
  }

  const settings = { experiments: ['reco', 'not-yet'], model: 'reco', metrics: { rmse: { direction: 'lower', max_regression: 0.05 }, accuracy: { direction: 'higher', max_regression_abs: 0.01 } } };
  async function poke(): Promise<ObserverEvent[]> {
    const project = readProject({ observe: { training: settings } }, path.join(repo, 'threadline.yaml'));
    const [outcome] = await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} });
    expect(outcome!.error).toBeUndefined();
    return outcome!.events;
  }
  const byKind = (events: ObserverEvent[], kind: string) => events.filter((e) => e.kind === kind);

  it('compares a finished run with the previous run and the champion, once', async () => {
    const first = await train({ lr: '0.1', depth: '6' }, { rmse: 0.5, accuracy: 0.8 });
    await tl.models.createVersion({ name: 'reco', source: `runs:/${first}/model`, runId: first });
    await tl.models.setAlias('reco', 'champion', 1);
    // The newest finished run is the champion's own: nothing to compare with.
    expect(await poke()).toEqual([]);

    // Real changes: new data, a new pin, a new commit; then a worse rmse and a better accuracy.
    fs.writeFileSync(path.join(repo, 'orders.csv'), 'id,amount\n1,10\n2,20\n3,999\n');
    fs.writeFileSync(path.join(repo, 'requirements.txt'), 'numpy==2.0.0\n');
    git(repo, 'commit', '-qam', 'more data, numpy 2');
    const second = await train({ lr: '0.2', depth: '6', epochs: '10' }, { rmse: 0.6, accuracy: 0.85 });
    await train({ lr: '9' }, { rmse: 99 }, 'RUNNING');

    const events = await poke();
    expect(events.map((e) => e.kind).sort()).toEqual(['code_changed', 'data_changed', 'environment_changed', 'metric_improved', 'metric_regression', 'params_changed']);
    const [regression] = byKind(events, 'metric_regression');
    expect(regression).toMatchObject({
      severity: 'error',
      subjects: [{ type: 'run', id: second }, { type: 'run', id: first }, { type: 'model_version', id: 'reco/1' }],
      details: { metric: 'rmse', before: 0.5, after: 0.6, verdict: 'regression', against: ['previous', 'champion'], max_regression: 0.05, model_version: 'reco/1' },
    });
    expect(regression!.details.relative_change).toBeCloseTo(0.2, 12);
    expect(regression!.summary).toMatch(/rmse 0\.5 → 0\.6 \(\+20\.0%\) vs reco@champion \(v1/);
    expect(byKind(events, 'metric_improved')[0]).toMatchObject({ severity: 'info', details: { metric: 'accuracy', before: 0.8, after: 0.85 } });
    expect(byKind(events, 'params_changed')[0]!.details.params).toEqual({ added: { epochs: '10' }, removed: {}, changed: { lr: { from: '0.1', to: '0.2' } } });
    const data = byKind(events, 'data_changed')[0]!;
    expect(data.severity).toBe('warning');
    const secondRun = await tl.runs.get(second);
    const newDigest = secondRun.io.find((io) => io.name === 'orders.csv')!.ref;
    expect(data.details.inputs).toMatchObject({ changed: { 'orders.csv': { to: newDigest } } });
    expect(data.subjects).toContainEqual({ type: 'data', id: newDigest });
    expect(byKind(events, 'environment_changed')[0]!.details.lockfiles).toMatchObject({ changed: { 'requirements.txt': { to: secondRun.environment!.lockfiles[0]!.digest } } });
    expect(byKind(events, 'code_changed')[0]!.details).toMatchObject({ after: { commit: git(repo, 'rev-parse', 'HEAD') } });
    expect((await tl.events.list({ subject: { type: 'model_version', id: 'reco/1' } })).length).toBe(6);

    // Nothing finished since: no new event.
    expect(await poke()).toEqual([]);
  });

  it('judges the next run within tolerance against the previous one but beyond it against the champion', async () => {
    const third = await train({ lr: '0.2', depth: '6', epochs: '10' }, { rmse: 0.61, accuracy: 0.845 });
    const events = await poke();
    const regressions = byKind(events, 'metric_regression');
    expect(regressions.map((e) => [e.details.metric, e.details.against])).toEqual([['rmse', ['champion']]]);
    expect(regressions[0]!.subjects[0]).toEqual({ type: 'run', id: third });
    // Params equal the previous run's: only the champion comparison reports them.
    expect(byKind(events, 'params_changed').map((e) => e.details.against)).toEqual([['champion']]);
    expect(byKind(events, 'data_changed').map((e) => e.details.against)).toEqual([['champion']]);
    expect(await poke()).toEqual([]);
  });

  it('judges metrics by direction and tolerance', () => {
    expect(compareMetric('rmse', { direction: 'lower', max_regression: 0.05 }, 1, 1.04).verdict).toBe('within_tolerance');
    expect(compareMetric('rmse', { direction: 'lower', max_regression: 0.05 }, 1, 1.06).verdict).toBe('regression');
    expect(compareMetric('acc', { direction: 'higher', max_regression_abs: 0.01 }, 0.9, 0.885).verdict).toBe('regression');
    expect(compareMetric('acc', { direction: 'higher' }, 0.9, 0.9).verdict).toBe('unchanged');
    expect(compareMetric('loss', { direction: 'lower' }, 0, 0.1)).toMatchObject({ verdict: 'regression', relative_change: null });
    expect(() => planObservers(readProject({ observe: { training: { experiments: ['x'], metrics: { rmse: { direction: 'down' } } } } }, '/tmp/threadline.yaml'))).toThrow(/metrics\.rmse\.direction/);
  });
});
