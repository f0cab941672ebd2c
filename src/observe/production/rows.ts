/**
 * Logged request and response bodies as rows: the MLflow scoring shapes (`dataframe_split`,
 * `dataframe_records`, `instances`, `inputs`, as records, columns or positional lists), a bare
 * list of records, or one record; or whatever sits at a configured path. A body that fits none
 * is garbage to count and skip, never an exception.
 */

export type JsonPath = (string | number)[];

/** `inputs`, `$.inputs`, `$.payload.rows`, `data[0]` → path segments. */
export function parseJsonPath(path: string): JsonPath {
  const body = path.trim().replace(/^\$\.?/, '');
  if (body === '') return [];
  const segments: JsonPath = [];
  for (const part of body.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new RangeError(`cannot read path '${path}': use dotted names like $.inputs or payload.rows[0]`);
    if (match[1]) segments.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

export function atPath(value: unknown, path: JsonPath): unknown {
  let node = value;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** The rows of one body, read by index and column name without building row objects. */
export interface Rows {
  count: number;
  get(row: number, column: string): unknown;
}

export type RowsResult = { rows: Rows } | { garbage: string };

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function records(list: unknown[]): RowsResult {
  if (!list.every(isRecord)) return { garbage: 'a list mixing records and other values' };
  return { rows: { count: list.length, get: (i, c) => (list[i] as Record<string, unknown>)[c] } };
}

function positional(list: unknown[][], names: readonly string[] | undefined): RowsResult {
  if (!names) return { garbage: 'rows without column names (set features: to name the positions)' };
  const index = new Map(names.map((n, i) => [n, i]));
  return { rows: { count: list.length, get: (i, c) => (index.has(c) ? list[i]![index.get(c)!] : undefined) } };
}

/** `{col: [v…], …}` with lists of one length: one row per position. */
function columnar(object: Record<string, unknown>): RowsResult | undefined {
  const values = Object.values(object);
  if (values.length === 0 || !values.every(Array.isArray)) return undefined;
  const n = (values[0] as unknown[]).length;
  if (!values.every((v) => (v as unknown[]).length === n)) return { garbage: 'columns of different lengths' };
  return { rows: { count: n, get: (i, c) => (object[c] as unknown[] | undefined)?.[i] } };
}

/**
 * Records, positional lists, or an object: columns of equal-length lists when `objectAsColumns`
 * (MLflow's `inputs` / a configured path), else one record (a bare body like `{"basket": […]}`).
 */
function anyShape(node: unknown, names: readonly string[] | undefined, objectAsColumns = true): RowsResult {
  if (Array.isArray(node)) {
    if (node.length === 0) return { rows: { count: 0, get: () => undefined } };
    if (node.every(Array.isArray)) return positional(node as unknown[][], names);
    return records(node);
  }
  if (isRecord(node)) {
    const split = dataframeSplit(node, names);
    if (split) return split;
    return (objectAsColumns ? columnar(node) : undefined) ?? { rows: { count: 1, get: (_, c) => node[c] } };
  }
  return { garbage: node === undefined ? 'nothing at the request path' : `a ${node === null ? 'null' : typeof node} where rows were expected` };
}

function dataframeSplit(node: Record<string, unknown>, names: readonly string[] | undefined): RowsResult | undefined {
  if (!Array.isArray(node.data) || !(Array.isArray(node.columns) || names)) return undefined;
  const data = node.data;
  if (!data.every(Array.isArray)) return { garbage: 'dataframe_split data is not a list of lists' };
  const columns = Array.isArray(node.columns) ? node.columns.map(String) : names;
  return positional(data as unknown[][], columns);
}

const wrappers = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

/**
 * Rows of a request body. `path` (from request_path) names where they are; without it the MLflow
 * wrappers are tried, then the body itself. `names` label positional rows.
 */
export function requestRows(body: string | null, path: JsonPath | undefined, names?: readonly string[]): RowsResult {
  if (body === null || body === '') return { garbage: 'no request body logged' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { garbage: 'request body is not JSON' };
  }
  if (path) return anyShape(atPath(parsed, path), names);
  if (isRecord(parsed)) {
    const key = wrappers.find((w) => w in parsed);
    if (key === 'dataframe_split') return isRecord(parsed[key]) ? (dataframeSplit(parsed[key], names) ?? { garbage: 'dataframe_split without columns and data' }) : { garbage: 'dataframe_split is not an object' };
    if (key) return anyShape(parsed[key], names);
  }
  return anyShape(parsed, names, false);
}

/**
 * The predictions of a response body, one per request row; null when they cannot be matched to
 * rows. `ranked`: each prediction is a list (one request's ranking may come unwrapped).
 */
export function responsePredictions(body: string | null, path: JsonPath, rowCount: number, ranked = false): unknown[] | null {
  if (body === null || body === '') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  let node = atPath(parsed, path);
  if (node === undefined && Array.isArray(parsed)) node = parsed;
  if (node === undefined) return null;
  if (ranked && rowCount === 1 && Array.isArray(node) && !node.every(Array.isArray)) return [node];
  if (Array.isArray(node)) return node.length === rowCount ? node : null;
  return rowCount === 1 ? [node] : null;
}
