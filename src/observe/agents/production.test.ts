import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, freshDatabaseUrl } from '../../../test/dialects.js';
import { seededRandom } from '../../../test/random.js';
import { captureData } from '../../capture/data.js';
import { openThreadline, type Threadline } from '../../context.js';
import { DeploymentStore } from '../../release/deploy/deployment-store.js';
import { PredictionStore } from '../../serving/prediction-store.js';
import { prediction } from '../../serving/testing.js';
import type { Prediction } from '../../serving/types.js';
import { chooseDriftTest, numericDrift } from '../../stats/index.js';
import type { ObserverEvent } from '../../events/types.js';
import { readProject } from '../project-file.js';
import { planObservers, runOnce } from '../scheduler.js';

interface Row {
  age: number;
  income: number;
  city: string;
  gender: string;
}

function rows(n: number, seed: number, shift = { age: 0, income: 1 }): Row[] {
  const u = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return Array.from({ length: n }, () => {
    const c = u();
    return {
      age: Math.round((40 + 10 * normal() + shift.age) * 10) / 10,
      income: Math.round((50_000 + 10_000 * normal()) * shift.income),
      city: c < 0.5 ? 'a' : c < 0.8 ? 'b' : 'c',
      gender: u() < 0.5 ? 'M' : 'F',
    };
  });
}

const MIN = 60_000;

describe.each(dialects)('production observer on %s', (dialect) => {
  let tl: Threadline;
  let dir: string;
  let log: PredictionStore;
  let reference: Row[];
  const base = Date.now() - 6 * 60 * MIN;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-production-'));
    tl = await openThreadline({ databaseUrl: await freshDatabaseUrl(dialect), artifactsUrl: path.join(dir, 'artifacts'), s3: { region: 'us-east-1', forcePathStyle: true } });
    log = new PredictionStore(tl.store);
    reference = rows(500, 1);
    const u = seededRandom(99);
    const csv = ['age,income,city,gender,target', ...reference.map((r) => `${r.age},${r.income},${r.city},${r.gender},${u() < 0.5 ? 1 : 0}`)].join('\n');
    fs.writeFileSync(path.join(dir, 'train.csv'), csv + '\n');
    const deployments = new DeploymentStore(tl.store.db);
    const row = { image_reference: null, model_name: 'churn', model_version: 1, run_id: null, git_sha: null, target: 'local', actor: 'test', created_at: base, status: 'deployed', replaced_id: null, reason: 'deploy', details: '{}' };
    await deployments.insertNext({ ...row, environment: 'prod' });
  });
  afterAll(() => tl.close());

  const settings = {
    deployment: 'prod',
    window: '1h',
    min_count: 100,
    reference: 'train.csv',
    performance: { metric: 'accuracy', min: 0.8 },
    fairness: { metric: 'demographic_parity_difference', max: 0.2 },
    sensitive_attribute: 'gender',
    latency_p99_ms: 500,
    error_rate: 0.05,
  };
  const poke = async (entry: Record<string, unknown> = settings): Promise<ObserverEvent[]> => {
    const project = readProject({ observe: { production: entry } }, path.join(dir, 'threadline.yaml'));
    const [outcome] = await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} });
    expect(outcome!.error).toBeUndefined();
    return outcome!.events;
  };

  /** One logged request per row, 10 s apart from `start`; `predict` gives each row's output. */
  function traffic(data: Row[], start: number, predict: (r: Row, i: number) => number, extra: (i: number) => Partial<Prediction> = () => ({})): Prediction[] {
    return data.map((r, i) =>
      prediction({
        deploymentId: 'prod#1',
        time: start + i * 10_000,
        requestBody: JSON.stringify({ dataframe_split: { columns: ['age', 'income', 'city', 'gender'], data: [[r.age, r.income, r.city, r.gender]] } }),
        responseBody: JSON.stringify({ predictions: [predict(r, i)] }),
        latencyMs: 20 + (i % 10),
        ...extra(i),
      }),
    );
  }
  /** Selection rate exactly 1/2 in each gender: every other row of a gender is positive. */
  const fair = () => {
    const seen: Record<string, number> = {};
    return (r: Row) => (seen[r.gender] = (seen[r.gender] ?? 0) + 1) % 2;
  };

  let shifted: Row[];
  let window2: Prediction[];

  it('stays quiet on traffic like the reference, then warns of input drift on a shifted stream with the tests Evidently picks', async () => {
    const first = traffic(rows(200, 2), base + MIN, fair());
    await log.insertBatch(first);
    // Feedback: 9 in 10 labels agree with the prediction → accuracy 0.9, above 0.8.
    await log.addFeedback(first.map((p, i) => ({ predictionId: p.id, label: i % 10 === 0 ? 1 - JSON.parse(p.responseBody!).predictions[0] : JSON.parse(p.responseBody!).predictions[0], time: p.time + 1, source: null })));
    expect(await poke()).toEqual([]);

    shifted = rows(200, 3, { age: 15, income: 1.6 });
    window2 = traffic(shifted, base + 70 * MIN, fair());
    // Garbage the proxy may have logged: not JSON, a number where rows belong, no body.
    const garbage = ['not json {', '{"inputs": 5}', null].flatMap((body, k) => Array.from({ length: 4 }, (_, i) => prediction({ deploymentId: 'prod#1', time: base + 70 * MIN + 5_000 + (k * 4 + i) * 10_000, requestBody: body, responseBody: '{"predictions":[1]}' })));
    await log.insertBatch([...window2, ...garbage]);
    const events = await poke();
    expect(events.map((e) => [e.kind, e.severity])).toEqual([['input_drift', 'warning']]);
    const drift = events[0]!;
    expect(drift.fingerprint).toBe('prod#1:input_drift');
    expect(drift.subjects).toEqual([{ type: 'deployment', id: 'prod#1' }, { type: 'model_version', id: 'churn/1' }]);
    const columns = drift.details.columns as Record<string, { test: string; score: number; threshold: number; drifted: boolean }>;
    expect(Object.keys(columns).sort()).toEqual(['age', 'city', 'gender', 'income']);
    // 500 reference rows, many distinct values → Evidently's KS (p < 0.05); 3 cities → chi-square; 2 genders → Z.
    expect(chooseDriftTest('numeric', 500, 400).test).toBe('ks');
    expect(columns.income).toMatchObject({ test: 'ks', threshold: 0.05, drifted: true });
    expect(columns.age).toMatchObject({ test: 'ks', drifted: true });
    expect(columns.city).toMatchObject({ test: 'chisquare', drifted: false });
    expect(columns.gender).toMatchObject({ test: 'z', drifted: false });
    const expected = numericDrift('income', reference.map((r) => r.income), shifted.map((r) => r.income));
    expect(columns.income!.score).toBeCloseTo(expected.score, 12);
    expect(drift.details).toMatchObject({ share: 0.5, datasetDrift: true, skipped: 12, window: { count: 200 } });
    expect(drift.summary).toMatch(/2 of 4 columns drifted.*income/);

    expect(await poke()).toEqual([]);
  });

  it('reports performance from feedback once it falls below the threshold', async () => {
    // 120 of 200 labels agree with the prediction: accuracy 120 / 200 = 0.6.
    await log.addFeedback(window2.map((p, i) => {
      const predicted = JSON.parse(p.responseBody!).predictions[0] as number;
      return { predictionId: p.id, label: i < 120 ? predicted : 1 - predicted, time: p.time + 1, source: null };
    }));
    const events = await poke();
    expect(events.map((e) => e.kind)).toEqual(['performance_degraded']);
    expect(events[0]!.severity).toBe('error');
    expect(events[0]!.fingerprint).toBe('prod#1:performance');
    expect(events[0]!.details).toMatchObject({ metric: 'accuracy', value: 0.6, threshold: 0.8, labelled: 200, window: { count: 200 } });
    expect(await poke()).toEqual([]);
  });

  it('flags a model biased by group with the demographic parity difference', async () => {
    // Alternating genders: 100 M, 100 F. M positive unless i % 5 == 0 → 80/100; F positive when i % 10 < 3 → 30/100.
    const data = rows(200, 4).map((r, i) => ({ ...r, gender: i % 2 === 0 ? 'M' : 'F' }));
    const seen = { M: 0, F: 0 };
    const biased = (r: Row) => {
      const k = seen[r.gender as 'M' | 'F']++;
      return r.gender === 'M' ? (k % 5 === 0 ? 0 : 1) : k % 10 < 3 ? 1 : 0;
    };
    await log.insertBatch(traffic(data, base + 140 * MIN, biased));
    const events = await poke();
    const byKind = new Map(events.map((e) => [e.kind, e]));
    expect([...byKind.keys()].sort()).toEqual(['fairness_violation', 'no_drift']);
    const unfair = byKind.get('fairness_violation')!;
    expect(unfair.severity).toBe('error');
    expect(unfair.details.value).toBeCloseTo(80 / 100 - 30 / 100, 12);
    expect(unfair.details).toMatchObject({ metric: 'demographic_parity_difference', threshold: 0.2, groups: { M: { count: 100, selectionRate: 0.8 }, F: { count: 100, selectionRate: 0.3 } } });
    expect(byKind.get('no_drift')).toMatchObject({ severity: 'info', fingerprint: 'prod#1:input_drift', details: { datasetDrift: false } });
  });

  it('warns of slow and failing requests, and says when fairness is back', async () => {
    // 200 requests: every 10th takes 900 ms (p99 900 > 500); another 20 answered 503 (20 / 200 = 10% > 5%).
    const batch = traffic(rows(200, 5), base + 210 * MIN, fair(), (i) => ({
      ...(i % 10 === 0 ? { latencyMs: 900 } : {}),
      ...(i % 10 === 5 ? { status: 503, responseBody: null, error: null } : {}),
    }));
    await log.insertBatch(batch);
    const events = await poke();
    const byKind = new Map(events.map((e) => [e.kind, e]));
    expect([...byKind.keys()].sort()).toEqual(['error_rate_high', 'fairness_restored', 'latency_high']);
    expect(byKind.get('latency_high')).toMatchObject({ severity: 'warning', fingerprint: 'prod#1:latency', details: { p99: 900, threshold: 500 } });
    expect(byKind.get('error_rate_high')).toMatchObject({ severity: 'error', details: { value: 0.1, errors: 20, requests: 200, threshold: 0.05 } });
    expect(await poke()).toEqual([]);
    const listed = await tl.events.list({ stage: 'production', source: 'production' });
    expect(listed.length).toBe(1 + 1 + 2 + 3);
  });

  it('warns of prediction drift against the window before, and says when latency and errors are back', async () => {
    // 9 in 10 predictions positive, after a window of 90 / 180 answered positive: two labels → Z test.
    await log.insertBatch(traffic(rows(200, 8), base + 280 * MIN, (_, i) => (i % 10 === 0 ? 0 : 1)));
    const events = await poke();
    const byKind = new Map(events.map((e) => [e.kind, e]));
    expect([...byKind.keys()].sort()).toEqual(['error_rate_ok', 'latency_ok', 'prediction_drift']);
    const drift = byKind.get('prediction_drift')!;
    expect(drift).toMatchObject({ severity: 'warning', fingerprint: 'prod#1:prediction_drift' });
    expect(drift.details).toMatchObject({ columns: { prediction: { test: 'z', threshold: 0.05, drifted: true } }, share: 1, datasetDrift: true, window: { count: 200 }, against: { previousWindow: { count: 180 } } });
    expect(byKind.get('error_rate_ok')!.details).toMatchObject({ value: 0, errors: 0, requests: 200 });
    expect(await poke()).toEqual([]);
  });

  it('follows the environment to its newest deployment and takes the reference from the input data of the model version’s run', async () => {
    const run = await tl.runs.create({ name: 'train' });
    const data = await captureData(path.join(dir, 'train.csv'));
    await tl.runs.recordData(run.runId, 'input', 'train.csv', data);
    await tl.models.ensureModel('fraud');
    await tl.models.createVersion({ name: 'fraud', source: `runs:/${run.runId}/model`, runId: run.runId });
    await tl.models.setAlias('fraud', 'champion', 1);
    const deployments = new DeploymentStore(tl.store.db);
    const row = { environment: 'staging', image_reference: null, model_name: 'fraud', model_version: 1, run_id: run.runId, git_sha: null, target: 'local', actor: 'test', created_at: base, status: 'deployed', replaced_id: null, reason: 'deploy', details: '{}' };
    await deployments.insertNext(row);
    // A rollback is a newer deployment of the same version: its traffic is what counts now.
    await deployments.insertNext({ ...row, reason: 'rollback', created_at: base + 1 });
    const old = traffic(rows(200, 6), base + MIN, fair()).map((p) => ({ ...p, deploymentId: 'staging#1' }));
    const now = traffic(rows(200, 7, { age: 0, income: 2 }), base + MIN, fair()).map((p) => ({ ...p, deploymentId: 'staging#2' }));
    await log.insertBatch([...old, ...now]);
    const events = await poke({ name: 'staging', deployment: 'staging', reference: { model: 'fraud@champion' }, drift: { test: 'psi', share: 0.25 } });
    expect(events.map((e) => e.kind)).toEqual(['input_drift']);
    const drift = events[0]!;
    expect(drift.source).toBe('production:staging');
    expect(drift.fingerprint).toBe('staging#2:input_drift');
    expect(drift.subjects).toEqual([{ type: 'deployment', id: 'staging#2' }, { type: 'model_version', id: 'fraud/1' }, { type: 'data', id: data.digest }]);
    const columns = drift.details.columns as Record<string, { test: string; drifted: boolean }>;
    // A named test applies to every column; only income moved.
    expect(Object.values(columns).map((c) => c.test)).toEqual(['psi', 'psi', 'psi', 'psi']);
    expect(Object.entries(columns).filter(([, c]) => c.drifted).map(([name]) => name)).toEqual(['income']);
    expect(drift.details).toMatchObject({ share: 0.25, datasetDrift: true, reference: { source: 'model fraud/1 → run input train.csv', rows: 500 } });

    // Without a reference, the deployed version's own run gives it; a path is the fallback when that run recorded none.
    const byDefault = await poke({ name: 'staging-default', deployment: 'staging', drift: { test: 'psi', share: 0.25 } });
    expect(byDefault.map((e) => e.subjects.at(-1))).toEqual([{ type: 'data', id: data.digest }]);
    await tl.models.createVersion({ name: 'fraud', source: 's3://bucket/fraud' });
    const fallback = await poke({ name: 'staging-fallback', deployment: 'staging', reference: { model: 'fraud/2', path: 'train.csv' }, drift: { test: 'psi', share: 0.25 } });
    expect(fallback.map((e) => [e.kind, e.details.reference])).toEqual([['input_drift', { source: path.join(dir, 'train.csv'), rows: 500 }]]);
  });

  it('fails the poke with a clear message when the reference is missing, after the checks that need none', async () => {
    const project = readProject({ observe: { production: { deployment: 'prod', reference: 'nowhere.csv', latency_p99_ms: 10 } } }, path.join(dir, 'threadline.yaml'));
    const [outcome] = await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} });
    expect(outcome!.ok).toBe(false);
    expect(outcome!.error).toMatch(/reference not found: .*nowhere\.csv/);
    // Latency (20–29 ms in the last window) was judged all the same: above a 10 ms limit.
    expect(outcome!.events.map((e) => [e.kind, e.severity])).toEqual([['latency_high', 'warning']]);
  });

  it('judges input drift on unchanged traffic once a missing reference appears', async () => {
    const entry = { name: 'staging-late', deployment: 'staging', reference: 'late.csv', drift: { test: 'psi', share: 0.25 } };
    const project = readProject({ observe: { production: entry } }, path.join(dir, 'threadline.yaml'));
    const [failed] = await runOnce(planObservers(project), { tl, config: {} as never, project, log: () => {} });
    expect(failed!.error).toMatch(/reference not found: .*late\.csv/);
    // No new traffic: the window was never judged against a reference, so it is not "unchanged".
    fs.copyFileSync(path.join(dir, 'train.csv'), path.join(dir, 'late.csv'));
    expect((await poke(entry)).map((e) => e.kind)).toEqual(['input_drift']);
    expect(await poke(entry)).toEqual([]);
  });

  it('scores regression (RMSE of a label field) and recommendations (precision@k) from feedback', async () => {
    const deployments = new DeploymentStore(tl.store.db);
    const row = { image_reference: null, model_version: 1, run_id: null, git_sha: null, target: 'local', actor: 'test', created_at: base, status: 'deployed', replaced_id: null, reason: 'deploy', details: '{}' };
    await deployments.insertNext({ ...row, environment: 'price', model_name: 'price' });
    await deployments.insertNext({ ...row, environment: 'reco', model_name: 'reco' });

    // Regression, two rows per request in MLflow's `inputs` columns; errors alternate 1 and 3 → RMSE sqrt((1 + 9) / 2) = sqrt(5).
    const priced = Array.from({ length: 60 }, (_, i) =>
      prediction({ deploymentId: 'price#1', time: base + i * 1000, requestBody: JSON.stringify({ inputs: { rooms: [2, 3] } }), responseBody: JSON.stringify({ predictions: [100 + i, 200 + i] }) }),
    );
    await log.insertBatch(priced);
    await log.addFeedback(priced.map((p, i) => ({ predictionId: p.id, label: { value: [100 + i + 1, 200 + i - 3] }, time: p.time, source: null })));
    const price = await poke({ name: 'price', deployment: 'price#1', drift: false, task: 'regression', label_field: 'value', min_count: 100, performance: { metric: 'rmse', max: 2 } });
    expect(price.map((e) => e.kind)).toEqual(['performance_degraded']);
    expect(price[0]!.details).toMatchObject({ metric: 'rmse', threshold: 2, labelled: 120 });
    expect(price[0]!.details.value).toBeCloseTo(Math.sqrt(5), 12);

    // Rankings of 3 items for one user each; relevant: the first item for half the users, none of them for the rest → precision@3 = (1/3 + 0) / 2.
    const ranked = Array.from({ length: 100 }, (_, i) =>
      prediction({ deploymentId: 'reco#1', time: base + i * 1000, requestBody: JSON.stringify({ user: `u${i}` }), responseBody: JSON.stringify({ predictions: [`a${i}`, `b${i}`, `c${i}`] }) }),
    );
    await log.insertBatch(ranked);
    await log.addFeedback(ranked.map((p, i) => ({ predictionId: p.id, label: i % 2 === 0 ? [`a${i}`, 'zzz'] : ['zzz'], time: p.time, source: null })));
    const reco = await poke({ name: 'reco', deployment: 'reco', drift: false, task: 'ranking', k: 3, performance: { min: 0.3 } });
    expect(reco.map((e) => e.kind)).toEqual(['performance_degraded']);
    expect(reco[0]!.details).toMatchObject({ metric: 'precision_at_k', threshold: 0.3, labelled: 100 });
    expect(reco[0]!.details.value).toBeCloseTo(1 / 6, 12);
  });
});
