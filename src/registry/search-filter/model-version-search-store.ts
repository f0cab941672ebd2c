import { sql, type OrderByItemBuilder, type SelectQueryBuilder } from 'kysely';
import { invalidArgument } from '../../errors.js';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import { tagAndAttributeConditions, type Condition } from './condition-store.js';
import { searchDialects, type SearchDialect } from './dialect-store.js';
import { parseOrderBy } from './order-by.js';
import { checkMaxResults, decodePageToken, encodePageToken } from './page-token.js';
import { parseFilter } from './parse.js';
import { modelVersionsGrammar } from './registry-grammar.js';
import type { Comparison, OrderBy, SearchPage } from './types.js';

export interface SearchModelVersionsOptions {
  /** e.g. `name='amazon-recommender' and tag.DBR_RUN_ID = '777'`; empty matches every version. */
  filter?: string;
  maxResults?: number;
  /** On name, version_number, creation_timestamp, last_updated_timestamp; default `last_updated_timestamp DESC`. */
  orderBy?: readonly string[];
  pageToken?: string;
}

export interface SearchModelVersionsResult extends SearchPage {
  versions: { name: string; version: number }[];
}

type VersionsQuery = SelectQueryBuilder<Database, 'model_versions', { name: string; version: number }>;

const columns: Readonly<Record<string, keyof Database['model_versions']>> = {
  name: 'name',
  run_id: 'run_id',
  source_path: 'source',
  version_number: 'version',
  creation_timestamp: 'creation_time',
  last_updated_timestamp: 'last_updated_time',
};

/**
 * Model versions matching an MLflow filter, one page of keys at a time.
 *
 * @example
 * const { versions } = await searchModelVersions(store, { filter: "name='amazon-recommender' and tag.DBR_RUN_ID = '777'" });
 */
export async function searchModelVersions(store: Store, options: SearchModelVersionsOptions = {}): Promise<SearchModelVersionsResult> {
  const comparisons = parseFilter(options.filter ?? '', modelVersionsGrammar);
  const orderBy = parseOrderBy(options.orderBy?.length ? options.orderBy : ['last_updated_timestamp DESC'], modelVersionsGrammar);
  const maxResults = checkMaxResults(options.maxResults);
  const offset = decodePageToken(options.pageToken);

  const dialect = searchDialects[store.dialect];
  let query: VersionsQuery = store.db.selectFrom('model_versions').select(['model_versions.name', 'model_versions.version']);
  for (const condition of versionConditions(comparisons, dialect)) query = query.where(condition);
  query = orderVersions(query, orderBy, dialect);

  const rows = await query.limit(maxResults + 1).offset(offset).execute();
  const versions = rows.slice(0, maxResults).map((r) => ({ name: r.name, version: r.version }));
  return rows.length > maxResults ? { versions, nextPageToken: encodePageToken(offset + maxResults) } : { versions };
}

function versionConditions(comparisons: readonly Comparison[], dialect: SearchDialect): Condition[] {
  return tagAndAttributeConditions(comparisons, dialect, {
    noun: 'model versions',
    column: (key) => sql.ref(`model_versions.${columns[key]!}`),
    // A version's tags are keyed by (name, version).
    tagRows: sql`from model_version_tags as kv where kv.name = model_versions.name and kv.version = model_versions.version`,
  });
}

/** The caller's order, then name and newest version first, so that pages never overlap. */
function orderVersions(query: VersionsQuery, orderBy: OrderBy[], dialect: SearchDialect): VersionsQuery {
  for (const o of orderBy) {
    // As in MLflow: the registry orders by attributes only (a tag is no column of the table).
    if (o.entity !== 'attribute') throw invalidArgument(`model versions cannot be ordered by ${o.entity}s: order_by takes name, version_number, creation_timestamp or last_updated_timestamp`);
    const direction = (ob: OrderByItemBuilder) => (o.ascending ? ob.asc() : ob.desc());
    const column = sql.ref(`model_versions.${columns[o.key] ?? o.key}`);
    query = query.orderBy(column, o.key === 'name' ? (ob) => direction(dialect.byteOrder(ob)) : direction);
  }
  return query.orderBy('model_versions.name', (ob) => dialect.byteOrder(ob.asc())).orderBy('model_versions.version', 'desc');
}
