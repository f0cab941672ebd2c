import { sql, type OrderByItemBuilder, type SelectQueryBuilder } from 'kysely';
import { invalidArgument } from '../../errors.js';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import { tagAndAttributeConditions, type Condition } from './condition-store.js';
import { searchDialects, type SearchDialect } from './dialect-store.js';
import { parseOrderBy } from './order-by.js';
import { checkMaxResults, decodePageToken, encodePageToken } from './page-token.js';
import { parseFilter } from './parse.js';
import { registeredModelsGrammar } from './registry-grammar.js';
import type { Comparison, OrderBy, SearchPage } from './types.js';

export interface SearchRegisteredModelsOptions {
  /** e.g. `name LIKE 'reco%' and tags.team = 'ml'`; empty matches every model. */
  filter?: string;
  maxResults?: number;
  /** On name, creation_timestamp, last_updated_timestamp; default `name ASC`. */
  orderBy?: readonly string[];
  pageToken?: string;
}

export interface SearchRegisteredModelsResult extends SearchPage {
  names: string[];
}

type ModelsQuery = SelectQueryBuilder<Database, 'registered_models', { name: string }>;

const columns: Readonly<Record<string, keyof Database['registered_models']>> = {
  name: 'name',
  creation_timestamp: 'creation_time',
  last_updated_timestamp: 'last_updated_time',
};

/**
 * Registered models matching an MLflow filter, one page of names at a time.
 *
 * @example
 * const { names } = await searchRegisteredModels(store, { filter: "name ILIKE '%recommender%'" });
 */
export async function searchRegisteredModels(store: Store, options: SearchRegisteredModelsOptions = {}): Promise<SearchRegisteredModelsResult> {
  const comparisons = parseFilter(options.filter ?? '', registeredModelsGrammar);
  const orderBy = parseOrderBy(options.orderBy?.length ? options.orderBy : ['name ASC'], registeredModelsGrammar);
  const maxResults = checkMaxResults(options.maxResults);
  const offset = decodePageToken(options.pageToken);

  const dialect = searchDialects[store.dialect];
  let query: ModelsQuery = store.db.selectFrom('registered_models').select('registered_models.name');
  for (const condition of modelConditions(comparisons, dialect)) query = query.where(condition);
  query = orderModels(query, orderBy, dialect);

  const rows = await query.limit(maxResults + 1).offset(offset).execute();
  const names = rows.slice(0, maxResults).map((r) => r.name);
  return rows.length > maxResults ? { names, nextPageToken: encodePageToken(offset + maxResults) } : { names };
}

function modelConditions(comparisons: readonly Comparison[], dialect: SearchDialect): Condition[] {
  return tagAndAttributeConditions(comparisons, dialect, {
    noun: 'registered models',
    column: (key) => sql.ref(`registered_models.${columns[key]!}`),
    tagRows: sql`from registered_model_tags as kv where kv.name = registered_models.name`,
  });
}

function orderModels(query: ModelsQuery, orderBy: OrderBy[], dialect: SearchDialect): ModelsQuery {
  for (const o of orderBy) {
    // As in MLflow: the registry orders by attributes only (a tag is no column of the table).
    if (o.entity !== 'attribute') throw invalidArgument(`registered models cannot be ordered by ${o.entity}s: order_by takes name, creation_timestamp or last_updated_timestamp`);
    const direction = (ob: OrderByItemBuilder) => (o.ascending ? ob.asc() : ob.desc());
    const column = sql.ref(`registered_models.${columns[o.key]!}`);
    query = query.orderBy(column, o.key === 'name' ? (ob) => direction(dialect.byteOrder(ob)) : direction);
  }
  if (!orderBy.some((o) => o.key === 'name')) query = query.orderBy('registered_models.name', (ob) => dialect.byteOrder(ob.asc()));
  return query;
}
