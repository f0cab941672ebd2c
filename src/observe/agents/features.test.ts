import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { captureData } from '../../capture/data.js';
import { openThreadline, type Threadline } from '../../context.js';
import { orders, write } from '../data/testing.js';
import { readProject } from '../project-file.js';
import { planObservers, runOnce } from '../scheduler.js';

describe.each(dialects)('features observer on %s', (dialect) => {
  let tl: Threadline;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-features-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(dir, '.artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
  });
  afterAll(() => tl.close());

  const poke = async (name: string, settings: Record<string, unknown>) => {
    const project = readProject({ observe: { features: [{ name, min_age: 0, ...settings }] } }, path.join(dir, 'threadline.yaml'));
    return (await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} }))[0]!;
  };

  it('compares the feature table with the data the champion was trained on: no drift, then feature_drift with scores, test and share', async () => {
    // The training run read train.csv (recorded as its input); v1 of the model came from it.
    const train = path.join(dir, 'data/train.csv');
    write(train, orders(11, { rows: 500 }));
    const experiment = await tl.experiments.ensure('reco');
    const run = await tl.runs.create({ experimentId: experiment.experimentId });
    const trainData = await captureData(train);
    await tl.runs.recordData(run.runId, 'input', 'data/train.csv', trainData);
    await tl.models.ensureModel('reco');
    const mv = await tl.models.createVersion({ name: 'reco', source: `runs:/${run.runId}/model`, runId: run.runId });
    await tl.models.setAlias('reco', 'champion', mv.version);

    const table = path.join(dir, 'features/out.csv');
    write(table, orders(12, { rows: 450 }));
    // `id` is a row number, not a feature: only the feature columns are compared.
    const settings = { table: 'features/out.csv', reference: { model: 'reco@champion' }, columns: ['amount', 'category'] };
    const first = await poke('reco', settings);
    expect(first.error).toBeUndefined();
    expect(first.events.map((e) => [e.kind, e.severity])).toEqual([['features_discovered', 'info']]);
    const tableData = await captureData(table);
    expect(first.events[0]!.subjects).toEqual([
      { type: 'data', id: tableData.digest },
      { type: 'data', id: trainData.digest },
      { type: 'model_version', id: `reco/${mv.version}` },
    ]);
    expect(first.events[0]!.details).toMatchObject({ reference: { digest: trainData.digest, runId: run.runId, modelVersion: `reco/${mv.version}` }, dataset: { drifted: false, driftedCount: 0 } });
    expect((await poke('reco', settings)).events).toEqual([]);

    write(table, orders(13, { rows: 450, shift: 12 }), 30_000);
    const shifted = await poke('reco', settings);
    expect(shifted.events.map((e) => [e.kind, e.severity])).toEqual([['feature_drift', 'warning']]);
    const drift = shifted.events[0]!;
    expect(drift.details).toMatchObject({ test: 'auto', dataset: { driftedCount: 1, columnCount: 2, share: 0.5, driftShare: 0.5, drifted: true } });
    const amount = (drift.details.columns as { column: string; test: string; score: number; drifted: boolean }[]).find((c) => c.column === 'amount')!;
    expect(amount).toMatchObject({ test: 'ks', drifted: true });
    expect(amount.score).toBeLessThan(1e-6);
    expect(drift.subjects).toContainEqual({ type: 'data', id: tableData.digest });
    expect(drift.summary).toMatch(/reco@champion.*amount \(ks\)/);
    expect((await poke('reco', settings)).events).toEqual([]);
  });

  it('reads the training data from the artifact store once the file has moved on, and says so when neither holds it', async () => {
    const train = path.join(dir, 'data/moving.csv');
    const original = orders(21);
    write(train, original);
    const experiment = await tl.experiments.ensure('moving');
    const run = await tl.runs.create({ experimentId: experiment.experimentId });
    await tl.runs.recordData(run.runId, 'input', 'moving', await captureData(train));
    await tl.models.ensureModel('mover');
    const mv = await tl.models.createVersion({ name: 'mover', source: `runs:/${run.runId}/model`, runId: run.runId });
    await tl.models.setAlias('mover', 'prod', mv.version);
    const backup = path.join(dir, 'backup.csv');
    fs.copyFileSync(train, backup);
    write(train, orders(22, { shift: 40 }));
    write(path.join(dir, 'features/moving.csv'), orders(23));

    const settings = { table: 'features/moving.csv', reference: { model: 'mover@prod' } };
    const gone = await poke('moving', settings);
    expect(gone).toMatchObject({ ok: false, events: [] });
    expect(gone.error).toMatch(/moving\.csv \(moving\.csv\) no longer holds the recorded bytes sha256:[0-9a-f]{64} and no copy is in the artifact store/);

    await tl.artifacts.putFile(backup);
    const found = await poke('moving', settings);
    // Against the original (unshifted) training data, not the overwritten file: no drift.
    expect(found.events.map((e) => e.kind)).toEqual(['features_discovered']);
  });

  it('reports feature code changes by file, and a garbage feature table as features_unreadable', async () => {
    write(path.join(dir, 'fe/user_feats.py'), 'def f(x):\n    return x\n');
    write(path.join(dir, 'fe/item_feats.py'), 'def g(x):\n    return 2 * x\n');
    const settings = { code: ['fe/*.py', 'missing/**'] };
    expect((await poke('code', settings)).events).toEqual([]);
    expect((await poke('code', settings)).events).toEqual([]);
    write(path.join(dir, 'fe/user_feats.py'), 'def f(x):\n    return x + 1\n', 1000);
    write(path.join(dir, 'fe/new_feats.py'), 'def h(x):\n    return 0\n', 1000);
    const [changed, ...rest] = (await poke('code', settings)).events;
    expect(rest).toEqual([]);
    expect(changed).toMatchObject({ kind: 'feature_code_changed', severity: 'info', details: { added: ['fe/new_feats.py'], removed: [], modified: [{ path: 'fe/user_feats.py' }] } });
    expect(changed!.summary).toMatch(/fe\/user_feats\.py, fe\/new_feats\.py/);

    write(path.join(dir, 'ref/ref.csv'), orders(31));
    write(path.join(dir, 'bad/features.parquet'), 'not a parquet file');
    const table = { table: 'bad/features.parquet', reference: 'ref/ref.csv' };
    const bad = await poke('bad', table);
    expect(bad.events.map((e) => [e.kind, e.severity])).toEqual([['features_unreadable', 'error']]);
    expect((await poke('bad', table)).events).toEqual([]);
    expect(() => planObservers(readProject({ observe: { features: { table: 'x.csv' } } }, path.join(dir, 'threadline.yaml')))).toThrow(/needs a reference/);
  });
});
