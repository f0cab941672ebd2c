import { sql } from 'kysely';
import type { Store } from '../store/database.js';
import { listObserverHealth, type ObserverHealth } from '../observe/state-store.js';

/** Latency buckets in seconds: sub-millisecond models up to slow ones. */
export const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/**
 * Event kinds that carry per-column drift scores, by what they compare: a "back to normal" event
 * replaces the alarm of its own family only (input drift and prediction drift are reported apart).
 */
const driftFamilies: Record<string, string> = {
  input_drift: 'input',
  no_drift: 'input',
  prediction_drift: 'prediction',
  no_prediction_drift: 'prediction',
  drift_detected: 'data',
  feature_drift: 'features',
  features_changed: 'features',
};
const driftKinds = Object.keys(driftFamilies);

export interface PredictionRow {
  deployment: string;
  statusClass: string;
  count: number;
  latencySum: number;
  /** Cumulative counts at each of `latencyBuckets`. */
  buckets: number[];
}

export interface MetricsSnapshot {
  predictions: PredictionRow[];
  events: { stage: string; severity: string; count: number }[];
  observers: (ObserverHealth & { up: boolean })[];
  alerts: { rule: string; outcome: string; count: number }[];
  deployments: { environment: string; id: string; model: string; version: number; runId: string; gitSha: string; image: string; status: string; createdAt: number }[];
  drift: { observer: string; check: string; column: string; test: string; score: number; drifted: boolean }[];
  datasetDrift: { observer: string; check: string; share: number; drifted: boolean }[];
}

/**
 * What /metrics reports, read from the store in a handful of grouped queries (one pass over the
 * prediction log). The prediction log is written by proxies in other processes, so the store is
 * the one place that sees all of them.
 */
export async function readMetrics(store: Store): Promise<MetricsSnapshot> {
  const db = store.db;
  const bucketColumns = latencyBuckets.map((b, i) => sql<number>`sum(case when latency_ms <= ${b * 1000} then 1 else 0 end)`.as(`b${i}`));
  const statusClass = sql<string>`case when status >= 500 then '5xx' when status >= 400 then '4xx' when status >= 300 then '3xx' else '2xx' end`;
  const predictionRows = await db
    .selectFrom('predictions')
    .select([sql<string>`coalesce(deployment_id, '')`.as('deployment'), statusClass.as('status_class'), sql<number>`count(*)`.as('n'), sql<number>`sum(latency_ms)`.as('latency_sum'), ...bucketColumns])
    .groupBy([sql`coalesce(deployment_id, '')`, statusClass])
    .execute();
  const predictions = predictionRows.map((r) => ({
    deployment: r.deployment,
    statusClass: r.status_class,
    count: r.n,
    latencySum: (r.latency_sum ?? 0) / 1000,
    buckets: latencyBuckets.map((_, i) => Number(r[`b${i}`] ?? 0)),
  }));

  const events = (await db.selectFrom('events').select(['stage', 'severity', sql<number>`count(*)`.as('n')]).groupBy(['stage', 'severity']).execute()).map((r) => ({ stage: r.stage, severity: r.severity, count: r.n }));
  const alerts = (await db.selectFrom('alert_deliveries').select(['rule', 'outcome', sql<number>`count(*)`.as('n')]).groupBy(['rule', 'outcome']).execute()).map((r) => ({ rule: r.rule, outcome: r.outcome, count: r.n }));
  const observers = (await listObserverHealth(store)).map((h) => ({ ...h, up: h.lastPoke !== null && h.lastPoke === h.lastSuccess }));

  // The latest deployment of each environment: what is running. A dry run ran nothing.
  const latest = db.selectFrom('deployments').select(['environment', sql<number>`max(sequence)`.as('sequence')]).where('status', '!=', 'dry_run').groupBy('environment');
  const deployments = (
    await db
      .selectFrom('deployments as d')
      .innerJoin(latest.as('l'), (j) => j.onRef('l.environment', '=', 'd.environment').onRef('l.sequence', '=', 'd.sequence'))
      .select(['d.environment', 'd.id', 'd.model_name', 'd.model_version', 'd.run_id', 'd.git_sha', 'd.image_reference', 'd.status', 'd.created_at'])
      .execute()
  ).map((r) => ({ environment: r.environment, id: r.id, model: r.model_name, version: r.model_version, runId: r.run_id ?? '', gitSha: r.git_sha ?? '', image: r.image_reference ?? '', status: r.status, createdAt: r.created_at }));

  // The newest drift verdict of each observer and kind, then the newest of each family.
  const newest = db.selectFrom('events').select(['source', 'kind', sql<number>`max(time)`.as('time')]).where('kind', 'in', driftKinds).where('source', 'is not', null).groupBy(['source', 'kind']);
  const driftEvents = (await db
    .selectFrom('events as e')
    .innerJoin(newest.as('n'), (j) => j.onRef('n.source', '=', 'e.source').onRef('n.kind', '=', 'e.kind').onRef('n.time', '=', 'e.time'))
    .select(['e.source', 'e.kind', 'e.time', 'e.details'])
    .execute()) as { source: string; kind: string; time: number; details: string }[];
  const byFamily = new Map<string, (typeof driftEvents)[number]>();
  for (const e of driftEvents) {
    const key = `${e.source}\u0000${driftFamilies[e.kind]}`;
    const seen = byFamily.get(key);
    if (!seen || e.time > seen.time) byFamily.set(key, e);
  }
  const drift: MetricsSnapshot['drift'] = [];
  const datasetDrift: MetricsSnapshot['datasetDrift'] = [];
  for (const e of byFamily.values()) {
    const check = driftFamilies[e.kind]!;
    const d = JSON.parse(e.details) as DriftDetails;
    for (const c of driftColumns(d)) drift.push({ observer: e.source, check, ...c });
    const share = firstNumber(d.share, d.dataset?.share, d.driftShare, d.dataset && d.dataset.columnCount ? Number(d.dataset.driftedCount) / d.dataset.columnCount : undefined);
    if (share !== undefined) datasetDrift.push({ observer: e.source, check, share, drifted: Boolean(d.datasetDrift ?? d.dataset?.drifted ?? false) });
  }
  return { predictions, events, observers, alerts, deployments, drift, datasetDrift };
}

function firstNumber(...values: unknown[]): number | undefined {
  return values.find((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/** What the drift checks write in an event's details (several shapes, as each observer has its own). */
interface DriftDetails {
  columns?: unknown;
  perColumn?: unknown;
  drift?: { columns?: unknown };
  share?: unknown;
  driftShare?: unknown;
  datasetDrift?: unknown;
  dataset?: { share?: unknown; drifted?: unknown; columnCount?: number; driftedCount?: number };
}

interface DriftColumn {
  column?: unknown;
  name?: unknown;
  test?: unknown;
  stattest?: unknown;
  score?: unknown;
  statistic?: unknown;
  pValue?: unknown;
  p_value?: unknown;
  drifted?: unknown;
  drift?: unknown;
}

/** Per-column results in an event's details, as the observers write them: a map or a list. */
function driftColumns(details: DriftDetails): { column: string; test: string; score: number; drifted: boolean }[] {
  const raw = details.columns ?? details.perColumn ?? details.drift?.columns;
  if (!raw || typeof raw !== 'object') return [];
  const entries: [string, DriftColumn][] = Array.isArray(raw) ? (raw as DriftColumn[]).map((c) => [String(c.column ?? c.name), c]) : Object.entries(raw as Record<string, DriftColumn>);
  return entries
    .map(([column, c]) => ({ column, test: String(c.test ?? c.stattest ?? ''), score: Number(c.score ?? c.statistic ?? c.pValue ?? c.p_value), drifted: Boolean(c.drifted ?? c.drift) }))
    .filter((c) => Number.isFinite(c.score));
}
