import { createHash } from 'node:crypto';
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { invalidArgument } from '../../errors.js';
import { parseFilter } from '../search-filter/index.js';
import { compare } from '../search-filter/condition-store.js';
import { searchDialects, type SearchDialect } from '../search-filter/dialect-store.js';
import type { Comparison } from '../search-filter/types.js';
import type { Store } from '../../store/database.js';
import { attributeColumns, loggedModelsGrammar } from './search-grammar.js';
import { statusOf } from './status.js';
import type { SearchLoggedModelsInput } from './types.js';

/** MLflow's default page of logged models. */
export const defaultLoggedModelsPage = 50;
const pageCeiling = 1000;

type Dataset = { datasetName: string; datasetDigest?: string };

/**
 * The ids of one page of logged models matching MLflow 3's search: experiments, filter (any
 * metric value on the given datasets), datasets, order (attributes, or a metric's latest value on
 * a dataset; nulls last), newest first otherwise. Deleted models are never found.
 */
export async function searchLoggedModelIds(store: Store, input: SearchLoggedModelsInput): Promise<{ ids: string[]; nextPageToken?: string }> {
  if (input.datasets?.some((d) => !d.datasetName)) throw invalidArgument('`dataset_name` in the `datasets` clause must be specified.');
  const comparisons = parseFilter(input.filter ?? '', loggedModelsGrammar);
  const maxResults = input.maxResults ?? defaultLoggedModelsPage;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > pageCeiling) throw invalidArgument(`Invalid value for max_results: it must be an integer from 1 to ${pageCeiling}, got ${maxResults}`);
  const fingerprint = fingerprintOf(input);
  const offset = decodeToken(input.pageToken, fingerprint);
  const dialect = searchDialects[store.dialect];
  const datasets = datasetCondition(input.datasets ?? []);

  let query = store.db
    .selectFrom('logged_models')
    .select('logged_models.model_id')
    .where('logged_models.lifecycle_stage', '=', 'active')
    .where('logged_models.experiment_id', 'in', input.experimentIds.length > 0 ? input.experimentIds : ['\u0000']);
  for (const c of comparisons) query = query.where(condition(c, datasets, dialect));
  if (datasets && !comparisons.some((c) => c.entity === 'metric')) {
    query = query.where(sql<SqlBool>`exists (select 1 from logged_model_metrics as m where m.model_id = logged_models.model_id and ${datasets})`);
  }
  let byCreation = false;
  for (const o of input.orderBy ?? []) {
    const direction = o.ascending === false ? sql`desc` : sql`asc`;
    const value = orderValue(o.fieldName, o);
    if (value === 'logged_models.creation_time') byCreation = true;
    const expression = typeof value === 'string' ? sql.ref(value) : value;
    query = query.orderBy(sql`case when ${expression} is null then 1 else 0 end`).orderBy(sql`${expression} ${direction}`);
  }
  if (!byCreation) query = query.orderBy('logged_models.creation_time', 'desc');
  const rows = await query.orderBy('logged_models.model_id').limit(maxResults + 1).offset(offset).execute();
  const ids = rows.slice(0, maxResults).map((r) => r.model_id);
  return rows.length > maxResults ? { ids, nextPageToken: encodeToken(offset + maxResults, fingerprint) } : { ids };
}

function condition(c: Comparison, datasets: RawBuilder<SqlBool> | undefined, dialect: SearchDialect): RawBuilder<SqlBool> {
  if (c.entity === 'attribute') {
    const value = c.key === 'status' ? statusValue(c.value) : c.value;
    return compare(sql.ref(`logged_models.${attributeColumns[c.key]!}`), { ...c, value }, dialect);
  }
  if (c.entity === 'metric') {
    const onDatasets = datasets ? sql` and ${datasets}` : sql``;
    return sql<SqlBool>`exists (select 1 from logged_model_metrics as m where m.model_id = logged_models.model_id and m.key = ${c.key} and ${compare(sql.ref('m.value'), c, dialect)}${onDatasets})`;
  }
  const table = c.entity === 'param' ? 'logged_model_params' : 'logged_model_tags';
  return sql<SqlBool>`exists (select 1 from ${sql.table(table)} as kv where kv.model_id = logged_models.model_id and kv.key = ${c.key} and ${compare(sql.ref('kv.value'), c, dialect)})`;
}

/** Any of the datasets: a name, and a digest when given. */
function datasetCondition(datasets: readonly Dataset[]): RawBuilder<SqlBool> | undefined {
  if (datasets.length === 0) return undefined;
  const one = (d: Dataset) => (d.datasetDigest ? sql`(m.dataset_name = ${d.datasetName} and m.dataset_digest = ${d.datasetDigest})` : sql`m.dataset_name = ${d.datasetName}`);
  return sql<SqlBool>`(${sql.join(datasets.map(one), sql` or `)})`;
}

function orderValue(field: string, o: { datasetName?: string; datasetDigest?: string }): string | RawBuilder<unknown> {
  if (!field.includes('.')) {
    const spec = loggedModelsGrammar.attributes[field];
    if (!spec) throw invalidArgument(`Invalid order by field name: ${field}`);
    return `logged_models.${attributeColumns[spec.key]!}`;
  }
  const [entity, ...rest] = field.split('.');
  if (entity !== 'metrics') throw invalidArgument(`Invalid order by field name: ${field}. Only metrics are supported.`);
  const key = rest.join('.').replace(/^`(.*)`$/, '$1');
  const onName = o.datasetName ? sql` and m.dataset_name = ${o.datasetName}` : sql``;
  const onDigest = o.datasetDigest ? sql` and m.dataset_digest = ${o.datasetDigest}` : sql``;
  // The latest value of the metric on the model (by time, then step), as MLflow's rank() = 1.
  return sql`(select m.value from logged_model_metrics as m where m.model_id = logged_models.model_id and m.key = ${key}${onName}${onDigest} order by m.timestamp desc, m.step desc limit 1)`;
}

function statusValue(value: Comparison['value']): Comparison['value'] {
  return Array.isArray(value) ? value.map((v) => statusOf(v) ?? v) : typeof value === 'string' ? (statusOf(value) ?? value) : value;
}

/** A page token is valid only for the search that issued it, as MLflow's checks. */
function fingerprintOf(input: SearchLoggedModelsInput): string {
  const { experimentIds, filter, orderBy } = input;
  return createHash('sha256').update(JSON.stringify([experimentIds, filter ?? '', orderBy ?? []])).digest('hex').slice(0, 16);
}

function encodeToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ offset, search: fingerprint }), 'utf8').toString('base64url');
}

function decodeToken(token: string | undefined, fingerprint: string): number {
  if (!token) return 0;
  let parsed: { offset?: unknown; search?: unknown } | null = null;
  try {
    if (/^[A-Za-z0-9_-]+={0,2}$/.test(token) && token.length <= 200) parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const offset = parsed?.offset;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw invalidArgument('Invalid page token: not a token this server issued');
  if (parsed?.search !== fingerprint) throw invalidArgument('Invalid page token: the experiment ids, filter or order of the search changed since it was issued');
  return offset;
}
