import { canonicalJson, sha256Of } from '../capture/canonical.js';
import { redactUrl } from '../capture/redact.js';

/** A dataset source in the form `trace` reads, and the same without its version. */
export interface ReadableSource {
  /** `delta:main.reco.orders@v12`, `s3://lake/orders/2026-11-19`, `hf:org/name@rev`, … */
  uri: string;
  /** `delta:main.reco.orders`: every version of the table. */
  name: string;
}

type SourceJson = Record<string, unknown>;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);

/**
 * MLflow's DatasetSource JSON (mlflow/data/*_dataset_source.py) as one readable string:
 * - `delta_table` → `delta:<table name or path>@v<version>`
 * - `hugging_face` → `hf:<path>@<revision>`, plus `?config=…&split=…` when set
 * - `spark` → its path, `spark:<table>`, or `spark:sql:<sha256 prefix of the query>`
 * - `http` and every URI source (`s3`, `dbfs`, `gs`, `local`, …) → the URI, without credentials
 * - anything else → `<source_type>:<canonical JSON of the source>`
 */
export function readableSource(sourceType: string, source: string): ReadableSource {
  let json: SourceJson | null = null;
  try {
    const parsed: unknown = JSON.parse(source);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as SourceJson;
  } catch {
    // Not JSON: kept as written below.
  }
  if (!json) return same(`${sourceType}:${source}`);
  if (sourceType === 'delta_table') {
    const table = text(json.delta_table_name) ?? text(json.path);
    const version = text(json.delta_table_version);
    if (table) return { uri: version === null ? `delta:${table}` : `delta:${table}@v${version}`, name: `delta:${table}` };
  }
  if (sourceType === 'hugging_face') {
    const path = text(json.path);
    const revision = text(json.revision);
    const query = new URLSearchParams();
    for (const key of ['config_name', 'split'] as const) {
      const v = text(json[key]);
      if (v && v !== 'None') query.set(key === 'config_name' ? 'config' : key, v);
    }
    const qs = query.size > 0 ? `?${query}` : '';
    if (path) return { uri: `hf:${path}${revision ? `@${revision}` : ''}${qs}`, name: `hf:${path}` };
  }
  if (sourceType === 'spark') {
    const path = text(json.path);
    if (path) return same(redactUrl(path));
    const table = text(json.table_name);
    if (table) return same(`spark:${table}`);
    const sql = text(json.sql);
    if (sql) return same(`spark:sql:${sha256Of(sql).slice(7, 19)}`);
  }
  const uri = text(json.uri) ?? text(json.url) ?? text(json.path);
  if (uri) return same(redactUrl(uri));
  return same(`${sourceType}:${canonicalJson(json)}`);
}

function same(uri: string): ReadableSource {
  return { uri, name: uri };
}

/** The source JSON with credentials removed from its URL-like members, for storing. */
export function redactSource(source: string): string {
  try {
    const parsed: unknown = JSON.parse(source);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return source;
    const out = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? redactUrl(v) : v]));
    return JSON.stringify(out);
  } catch {
    return redactUrl(source);
  }
}
