import type { Store } from '../../store/database.js';
import { requestRows, type JsonPath } from './rows.js';
import { predictionPages } from './window-store.js';

export interface ExportRequest {
  deploymentId: string;
  from: number;
  to: number;
  /** The feature columns, in order. */
  columns: readonly string[];
  requestPath?: JsonPath;
  /** Lead each row with the prediction id and time (ISO). */
  withIds?: boolean;
  /** CSV with a header line (the default), or JSON Lines: one object per row keyed by column. */
  format?: 'csv' | 'jsonl';
}

export interface ExportCounts {
  requests: number;
  rows: number;
  skipped: number;
}

/**
 * The rows of a deployment's logged requests as CSV, page by page, in the same reading as the
 * production observer (MLflow wrappers, records, a request path), so that `threadline drift`
 * can compare served traffic with the training data.
 */
export async function exportRequestRows(store: Store, request: ExportRequest, write: (chunk: string) => Promise<void> | void): Promise<ExportCounts> {
  const counts: ExportCounts = { requests: 0, rows: 0, skipped: 0 };
  const header = [...(request.withIds ? ['prediction_id', 'time'] : []), ...request.columns];
  const line =
    request.format === 'jsonl'
      ? (values: unknown[]) => JSON.stringify(Object.fromEntries(header.map((name, i) => [name, values[i] ?? null]))) + '\n'
      : (values: unknown[]) => values.map(csvField).join(',') + '\n';
  if (request.format !== 'jsonl') await write(line(header));
  for await (const page of predictionPages(store, request, ['status', 'request_body', 'truncated'])) {
    let chunk = '';
    for (const p of page) {
      counts.requests++;
      if (p.status >= 400 || p.truncated === 1) {
        counts.skipped++;
        continue;
      }
      const parsed = requestRows(p.request_body, request.requestPath, request.columns);
      if ('garbage' in parsed) {
        counts.skipped++;
        continue;
      }
      for (let i = 0; i < parsed.rows.count; i++) {
        const values = request.columns.map((c) => parsed.rows.get(i, c));
        chunk += line([...(request.withIds ? [p.id, new Date(p.time).toISOString()] : []), ...values]);
        counts.rows++;
      }
    }
    await write(chunk);
  }
  return counts;
}

/** RFC 4180: quoted when it holds a comma, quote or line break; missing values are empty. */
function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
