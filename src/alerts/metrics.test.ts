import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/api-server.js';
import { dialects } from '../../test/dialects.js';
import { ObserverState, healthKey } from '../observe/state-store.js';
import { PredictionStore } from '../serving/prediction-store.js';
import { prediction } from '../serving/testing.js';

const dashboardFile = fileURLToPath(new URL('../../grafana/threadline-dashboard.json', import.meta.url));

/** `name{a="b",c="d"} value` lines of an exposition, keyed by the line's name and labels. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe.each(dialects)('/metrics on %s', (dialect) => {
  let api: TestApi;
  let text: string;

  beforeAll(async () => {
    api = await startTestApi(dialect, async (tl) => {
      await new PredictionStore(tl.store).insertBatch([
        prediction({ deploymentId: 'prod#1', latencyMs: 0.8 }),
        prediction({ deploymentId: 'prod#1', latencyMs: 7 }),
        prediction({ deploymentId: 'prod#1', latencyMs: 300, status: 502, error: 'upstream down' }),
        prediction({ deploymentId: null, latencyMs: 2 }),
      ]);
      await tl.events.record({ stage: 'data', kind: 'data_changed', summary: 'orders changed', source: 'data:orders' });
      await tl.events.record({ stage: 'production', kind: 'prediction_drift', severity: 'warning', summary: 'predictions drifted', source: 'production', details: { columns: { prediction: { test: 'z', score: 0.001, threshold: 0.05, drifted: true } }, share: 1, datasetDrift: true } });
      // Older input drift alarm, then the newer verdict that replaces it.
      await tl.events.record({ stage: 'production', kind: 'input_drift', severity: 'warning', summary: 'city drifted', source: 'production', time: Date.now() - 60_000, details: { columns: { city: { test: 'chi2', score: 0.001, threshold: 0.05, drifted: true } }, share: 1, datasetDrift: true } });
      await tl.events.record({ stage: 'data', kind: 'drift_detected', severity: 'warning', summary: 'orders drifted', source: 'data:orders', details: { dataset: { driftedCount: 1, columnCount: 4, drifted: false }, columns: [{ column: 'unit_price', test: 'ks', score: 0.0001, threshold: 0.05, drifted: true }] } });
      await tl.events.record({ stage: 'production', kind: 'input_drift', severity: 'warning', summary: 'age drifted', source: 'production', details: { columns: { age: { test: 'psi', score: 0.31, threshold: 0.1, drifted: true }, city: { test: 'chi2', score: 0.4, threshold: 0.05, drifted: false } }, share: 0.5, datasetDrift: true } });
      await new ObserverState(tl.store.db, 'data:orders').set(healthKey, { lastPoke: 2000, lastSuccess: 2000, lastError: null, lastErrorTime: null, pokes: 4, failures: 1, events: 1 });
      await new ObserverState(tl.store.db, 'external').set(healthKey, { lastPoke: 3000, lastSuccess: 1000, lastError: 'timeout', lastErrorTime: 3000, pokes: 2, failures: 1, events: 0 });
      await tl.store.db
        .insertInto('deployments')
        .values({ id: 'prod#1', environment: 'prod', sequence: 1, image_reference: 'registry.local/reco@sha256:' + 'a'.repeat(64), model_name: 'reco', model_version: 2, run_id: 'b'.repeat(32), git_sha: 'c'.repeat(40), target: 'local', actor: 'ci', created_at: 5000, status: 'running', replaced_id: null, reason: 'deploy', details: '{}' })
        .execute();
    });
    const response = await request(`${api.url}/metrics`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain; version=0.0.4');
    text = await response.body.text();
  });
  afterAll(() => api.close());

  it('counts predictions by deployment and status class, with a cumulative latency histogram', () => {
    const s = samples(text);
    expect(s.get('threadline_predictions_total{deployment="prod#1",status_class="2xx"}')).toBe(2);
    expect(s.get('threadline_predictions_total{deployment="prod#1",status_class="5xx"}')).toBe(1);
    expect(s.get('threadline_predictions_total{deployment="",status_class="2xx"}')).toBe(1);
    expect(s.get('threadline_prediction_latency_seconds_bucket{deployment="prod#1",le="0.001"}')).toBe(1);
    expect(s.get('threadline_prediction_latency_seconds_bucket{deployment="prod#1",le="0.01"}')).toBe(2);
    expect(s.get('threadline_prediction_latency_seconds_bucket{deployment="prod#1",le="0.25"}')).toBe(2);
    expect(s.get('threadline_prediction_latency_seconds_bucket{deployment="prod#1",le="0.5"}')).toBe(3);
    expect(s.get('threadline_prediction_latency_seconds_bucket{deployment="prod#1",le="+Inf"}')).toBe(3);
    expect(s.get('threadline_prediction_latency_seconds_count{deployment="prod#1"}')).toBe(3);
    expect(s.get('threadline_prediction_latency_seconds_sum{deployment="prod#1"}')).toBeCloseTo(0.3078, 6);
  });

  it('reports events, drift scores, observer health and what is deployed', () => {
    const s = samples(text);
    expect(s.get('threadline_events_total{stage="data",severity="info"}')).toBe(1);
    expect(s.get('threadline_events_total{stage="production",severity="warning"}')).toBe(3);
    expect(s.get('threadline_drift_score{observer="production",check="input",column="age",test="psi"}')).toBe(0.31);
    expect(s.get('threadline_column_drifted{observer="production",check="input",column="age"}')).toBe(1);
    expect(s.get('threadline_column_drifted{observer="production",check="input",column="city"}')).toBe(0);
    expect(s.get('threadline_dataset_drift_share{observer="production",check="input"}')).toBe(0.5);
    // Prediction drift is its own family: the newer input verdict does not hide it.
    expect(s.get('threadline_drift_score{observer="production",check="prediction",column="prediction",test="z"}')).toBe(0.001);
    expect(s.get('threadline_dataset_drift_share{observer="production",check="prediction"}')).toBe(1);
    expect(s.get('threadline_drift_score{observer="data:orders",check="data",column="unit_price",test="ks"}')).toBe(0.0001);
    expect(s.get('threadline_dataset_drift_share{observer="data:orders",check="data"}')).toBe(0.25);
    expect([...s.keys()].filter((k) => k.startsWith('threadline_drift_score{observer="production",check="input"')).length).toBe(2);
    expect(s.get('threadline_observer_up{observer="data:orders"}')).toBe(1);
    expect(s.get('threadline_observer_up{observer="external"}')).toBe(0);
    expect(s.get('threadline_observer_failures_total{observer="external"}')).toBe(1);
    expect(s.get(`threadline_deployment_info{environment="prod",deployment="prod#1",model="reco",version="2",run_id="${'b'.repeat(32)}",git_sha="${'c'.repeat(40)}",image="registry.local/reco@sha256:${'a'.repeat(64)}",status="running"}`)).toBe(1);
    expect(s.get('threadline_deployment_timestamp_seconds{environment="prod"}')).toBe(5);
    expect([...s.keys()].some((k) => k.startsWith('threadline_server_process_cpu_seconds_total'))).toBe(true);
  });

  it('passes promtool check metrics', () => {
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.error, 'promtool (Debian prometheus) must be installed: scripts/setup.sh --with-test-services').toBeUndefined();
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it.runIf(dialect === 'sqlite')('ships a Grafana dashboard whose queries are valid PromQL over metrics we expose', () => {
    const dashboard = JSON.parse(fs.readFileSync(dashboardFile, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    // Every name a family declares (`# TYPE name type`), and the series names of histograms.
    const exposed = new Set(text.split('\n').filter((l) => l.startsWith('# TYPE ')).flatMap((l) => {
      const name = l.split(' ')[2]!;
      return [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
    }));
    for (const expr of exprs) {
      const names = expr.match(/threadline_[a-z_]+/g) ?? [];
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(exposed, `${name} in: ${expr}`).toContain(name);
    }
    // promtool parses each query as a recording rule: a typo in PromQL fails here.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threadline-grafana-'));
    const rules = { groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `threadline:dashboard_query_${i}`, expr })) }] };
    fs.writeFileSync(path.join(dir, 'rules.json'), JSON.stringify(rules));
    expect(execFileSync('promtool', ['check', 'rules', path.join(dir, 'rules.json')], { encoding: 'utf8' })).toContain(`SUCCESS: ${exprs.length} rules found`);
  });
});
