/**
 * One window of a deployment's prediction log as column arrays: pages of predictions in SQL by
 * (time, id), each body parsed once and its values appended to typed arrays (numbers) or label
 * counts and keys (text); nothing of a page is kept once it has been read.
 */
import type { ColumnKind } from '../../capture/columns.js';
import type { Store } from '../../store/database.js';
import { atPath, requestRows, responsePredictions, type JsonPath } from './rows.js';
import { latestLabels, predictionPages } from './window-store.js';

/** A growing Float64Array. */
export class Doubles {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  values(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

export type FeatureColumn =
  | { kind: 'numeric'; values: Doubles; missing: number; present: number }
  | { kind: 'categorical' | 'binary'; counts: Map<string, number>; missing: number; present: number };

/** A class label or other value as one comparable text: booleans as 1/0 so `true` meets a positive of 1. */
export function labelKey(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v) ?? 'null';
}

export interface WindowRequest {
  deploymentId: string;
  from: number;
  to: number;
  /** Feature columns to collect, by the kind the reference gives them. */
  features: { name: string; kind: Exclude<ColumnKind, 'unsupported'> }[];
  requestPath?: JsonPath;
  /** Names for positional rows. */
  positionalNames?: readonly string[];
  predictionPath: JsonPath;
  task: 'classification' | 'regression' | 'ranking';
  /** Read feedback labels (performance, equalized odds). */
  labels: boolean;
  labelPath?: JsonPath;
  sensitiveAttribute?: string;
  /** Only predictions, latencies and errors (the previous window of prediction drift). */
  predictionsOnly?: boolean;
}

export interface WindowData {
  from: number;
  to: number;
  /** Logged requests in the window. */
  requests: number;
  /** Answered 5xx or not at all. */
  errors: number;
  latencies: Float64Array;
  /** Feature rows read from successful requests. */
  rows: number;
  /** Successful requests whose body could not be read as rows, by reason. */
  skipped: number;
  skippedReasons: Record<string, number>;
  features: Map<string, FeatureColumn>;
  /** Per row: the prediction as a label key (classification, ranking: null), or NaN-able number (regression). */
  predictionKeys: (string | null)[];
  predictionNumbers: Doubles;
  /** Rows whose response gave no usable prediction. */
  unpredicted: number;
  /** Per row: the sensitive attribute's value as a key, or null. */
  groups: (string | null)[];
  /** Per row: the feedback label as a key (null: none), as a number (NaN: none or not a number). */
  labelKeys: (string | null)[];
  labelNumbers: Doubles;
  /** Ranking only, per row: the relevant items (feedback) and the recommended ones (response). */
  relevantItems: (unknown[] | null)[];
  rankedItems: (unknown[] | null)[];
  /** Newest (time, id) read: with `requests`, tells an unchanged window. */
  last: { time: number; id: string } | null;
}

function newFeature(kind: WindowRequest['features'][number]['kind']): FeatureColumn {
  return kind === 'numeric' ? { kind, values: new Doubles(), missing: 0, present: 0 } : { kind, counts: new Map(), missing: 0, present: 0 };
}

function addFeature(column: FeatureColumn, v: unknown): void {
  if (v === undefined) return;
  column.present++;
  if (column.kind === 'numeric') {
    const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'boolean' ? Number(v) : NaN;
    if (Number.isFinite(x)) column.values.push(x);
    else column.missing++;
    return;
  }
  if (v === null || typeof v === 'object') {
    column.missing++;
    return;
  }
  const key = String(v);
  column.counts.set(key, (column.counts.get(key) ?? 0) + 1);
}

export async function readWindow(store: Store, request: WindowRequest): Promise<WindowData> {
  const out: WindowData = {
    from: request.from,
    to: request.to,
    requests: 0,
    errors: 0,
    latencies: new Float64Array(0),
    rows: 0,
    skipped: 0,
    skippedReasons: {},
    features: new Map(request.predictionsOnly ? [] : request.features.map((f) => [f.name, newFeature(f.kind)])),
    predictionKeys: [],
    predictionNumbers: new Doubles(),
    unpredicted: 0,
    groups: [],
    labelKeys: [],
    labelNumbers: new Doubles(),
    relevantItems: [],
    rankedItems: [],
    last: null,
  };
  const latencies = new Doubles();
  const skip = (reason: string) => {
    out.skipped++;
    out.skippedReasons[reason] = (out.skippedReasons[reason] ?? 0) + 1;
  };
  const ranked = request.task === 'ranking';
  for await (const page of predictionPages(store, request, ['status', 'latency_ms', 'request_body', 'response_body', 'truncated', 'error'])) {
    const feedback = request.labels && !request.predictionsOnly ? await latestLabels(store, page.map((p) => p.id)) : new Map<string, unknown>();
    for (const p of page) {
      out.requests++;
      latencies.push(p.latency_ms);
      const status = p.status;
      if (status >= 500 || p.error !== null) {
        out.errors++;
        continue;
      }
      if (status >= 400) continue;
      if (p.truncated === 1) {
        skip('body truncated');
        continue;
      }
      const parsed = requestRows(p.request_body, request.requestPath, request.positionalNames);
      if ('garbage' in parsed) {
        skip(parsed.garbage);
        continue;
      }
      const { rows } = parsed;
      const predictions = responsePredictions(p.response_body, request.predictionPath, rows.count, ranked);
      const label = feedback.get(p.id);
      const labels = label === undefined ? null : rowLabels(request.labelPath ? atPath(label, request.labelPath) : label, rows.count, ranked);
      for (let i = 0; i < rows.count; i++) {
        out.rows++;
        if (!request.predictionsOnly) for (const [name, column] of out.features) addFeature(column, rows.get(i, name));
        const prediction = predictions?.[i];
        if (prediction === undefined || prediction === null) out.unpredicted++;
        out.predictionKeys.push(prediction === undefined || prediction === null || ranked ? null : labelKey(prediction));
        out.predictionNumbers.push(typeof prediction === 'number' ? prediction : NaN);
        if (request.sensitiveAttribute) {
          const g = rows.get(i, request.sensitiveAttribute);
          out.groups.push(g === undefined || g === null ? null : labelKey(g));
        }
        const truth = labels?.[i];
        const known = truth !== undefined && truth !== null;
        out.labelKeys.push(known && !ranked ? labelKey(truth) : null);
        out.labelNumbers.push(typeof truth === 'number' ? truth : NaN);
        if (ranked) {
          out.relevantItems.push(known && Array.isArray(truth) ? truth : null);
          out.rankedItems.push(Array.isArray(prediction) ? prediction : null);
        }
      }
    }
    const tail = page[page.length - 1]!;
    out.last = { time: tail.time, id: tail.id };
  }
  out.latencies = latencies.values();
  return out;
}

/** A label per row: a list as long as the rows, or one value for a one-row request. */
function rowLabels(label: unknown, count: number, ranked: boolean): unknown[] | null {
  if (label === undefined) return null;
  if (count === 1 && (!Array.isArray(label) || (ranked && !label.every(Array.isArray)) || label.length !== 1)) return [label];
  return Array.isArray(label) && label.length === count ? label : null;
}
