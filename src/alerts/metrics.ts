import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Store } from '../store/database.js';
import type { HttpMetrics } from './http-metrics.js';
import { latencyBuckets, readMetrics, type MetricsSnapshot } from './metrics-store.js';

type Labels = Record<string, string | number>;
interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}
interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples(snapshot: MetricsSnapshot): Sample[];
}

/**
 * The families derived from the store. Counters here are totals read back from the store (rows
 * only ever grow), so they keep counter semantics across server restarts and replicas.
 */
const families: Family[] = [
  {
    name: 'threadline_predictions_total',
    help: 'Predictions logged, by deployment (empty when unlinked) and HTTP status class.',
    type: 'counter',
    samples: (s) => s.predictions.map((p) => ({ labels: { deployment: p.deployment, status_class: p.statusClass }, value: p.count })),
  },
  {
    name: 'threadline_prediction_latency_seconds',
    help: 'Latency of logged predictions as the tracing proxy measured it.',
    type: 'histogram',
    samples: (s) => {
      const byDeployment = new Map<string, { count: number; sum: number; buckets: number[] }>();
      for (const p of s.predictions) {
        const d = byDeployment.get(p.deployment) ?? { count: 0, sum: 0, buckets: latencyBuckets.map(() => 0) };
        d.count += p.count;
        d.sum += p.latencySum;
        p.buckets.forEach((b, i) => (d.buckets[i]! += b));
        byDeployment.set(p.deployment, d);
      }
      return [...byDeployment].flatMap(([deployment, d]): Sample[] => [
        ...latencyBuckets.map((le, i) => ({ metricName: 'threadline_prediction_latency_seconds_bucket', labels: { deployment, le }, value: d.buckets[i]! })),
        { metricName: 'threadline_prediction_latency_seconds_bucket', labels: { deployment, le: '+Inf' }, value: d.count },
        { metricName: 'threadline_prediction_latency_seconds_sum', labels: { deployment }, value: d.sum },
        { metricName: 'threadline_prediction_latency_seconds_count', labels: { deployment }, value: d.count },
      ]);
    },
  },
  {
    name: 'threadline_events_total',
    help: 'Observer events recorded, by stage and severity.',
    type: 'counter',
    samples: (s) => s.events.map((e) => ({ labels: { stage: e.stage, severity: e.severity }, value: e.count })),
  },
  {
    name: 'threadline_alerts_total',
    help: 'Alert deliveries, by rule and outcome (sent, suppressed, failed).',
    type: 'counter',
    samples: (s) => s.alerts.map((a) => ({ labels: { rule: a.rule, outcome: a.outcome }, value: a.count })),
  },
  {
    name: 'threadline_drift_score',
    help: 'Latest per-column drift score of each observer and check (input, prediction, data, features) (p-value for KS/chi2/z, distance for PSI/Wasserstein/JS).',
    type: 'gauge',
    samples: (s) => s.drift.map((d) => ({ labels: { observer: d.observer, check: d.check, column: d.column, test: d.test }, value: d.score })),
  },
  {
    name: 'threadline_column_drifted',
    help: 'Whether the latest check of each observer found the column drifted (1) or not (0).',
    type: 'gauge',
    samples: (s) => s.drift.map((d) => ({ labels: { observer: d.observer, check: d.check, column: d.column }, value: d.drifted ? 1 : 0 })),
  },
  {
    name: 'threadline_dataset_drift_share',
    help: 'Share of drifted columns in the latest check of each observer.',
    type: 'gauge',
    samples: (s) => s.datasetDrift.map((d) => ({ labels: { observer: d.observer, check: d.check }, value: d.share })),
  },
  {
    name: 'threadline_observer_up',
    help: 'Whether the last poke of each observer succeeded.',
    type: 'gauge',
    samples: (s) => s.observers.map((o) => ({ labels: { observer: o.observer }, value: o.up ? 1 : 0 })),
  },
  {
    name: 'threadline_observer_last_success_timestamp_seconds',
    help: 'When each observer last poked successfully.',
    type: 'gauge',
    samples: (s) => s.observers.filter((o) => o.lastSuccess !== null).map((o) => ({ labels: { observer: o.observer }, value: o.lastSuccess! / 1000 })),
  },
  {
    name: 'threadline_observer_pokes_total',
    help: 'Pokes of each observer.',
    type: 'counter',
    samples: (s) => s.observers.map((o) => ({ labels: { observer: o.observer }, value: o.pokes })),
  },
  {
    name: 'threadline_observer_failures_total',
    help: 'Failed pokes of each observer.',
    type: 'counter',
    samples: (s) => s.observers.map((o) => ({ labels: { observer: o.observer }, value: o.failures })),
  },
  {
    name: 'threadline_deployment_info',
    help: 'What runs in each environment: the latest deployment, its model version, run, git sha and image (value 1).',
    type: 'gauge',
    samples: (s) => s.deployments.map((d) => ({ labels: { environment: d.environment, deployment: d.id, model: d.model, version: d.version, run_id: d.runId, git_sha: d.gitSha, image: d.image, status: d.status }, value: 1 })),
  },
  {
    name: 'threadline_deployment_timestamp_seconds',
    help: 'When the latest deployment of each environment was made.',
    type: 'gauge',
    samples: (s) => s.deployments.map((d) => ({ labels: { environment: d.environment }, value: d.createdAt / 1000 })),
  },
];

export interface MetricsExporter {
  contentType: string;
  render(): Promise<string>;
}

/**
 * A prom-client registry with the store-derived families and the server process's own metrics.
 * One store read serves every family of a scrape, and scrapes within `cacheMs` share it.
 */
export function metricsExporter(store: Store, cacheMs = 5000, http?: HttpMetrics): MetricsExporter {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'threadline_server_' });
  // prom-client names these gauges `…_total`, which promtool (rightly) flags: leave them out.
  for (const gauge of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(`threadline_server_${gauge}`);
  let cached: { at: number; snapshot: Promise<MetricsSnapshot> } | undefined;
  const snapshot = () => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs) {
      cached = { at: now, snapshot: readMetrics(store) };
      cached.snapshot.catch(() => (cached = undefined));
    }
    return cached.snapshot;
  };
  for (const family of families) {
    registry.registerMetric({
      name: family.name,
      async get() {
        return { name: family.name, help: family.help, type: family.type, aggregator: 'sum', values: family.samples(await snapshot()) };
      },
    } as never);
  }
  const merged = http ? Registry.merge([registry, http.registry]) : registry;
  return { contentType: merged.contentType, render: () => merged.metrics() };
}
