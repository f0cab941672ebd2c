import { sql, type OrderByItemBuilder, type SelectQueryBuilder } from 'kysely';
import { invalidArgument } from '../../errors.js';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import { tagAndAttributeConditions, type Condition } from './condition-store.js';
import { searchDialects, type SearchDialect } from './dialect-store.js';
import { experimentsGrammar } from './grammar.js';
import { parseOrderBy } from './order-by.js';
import { checkMaxResults, decodePageToken, encodePageToken } from './page-token.js';
import { parseFilter } from './parse.js';
import type { Comparison, OrderBy, SearchPage, ViewType } from './types.js';

export interface SearchExperimentsOptions {
  /** An MLflow filter on name, creation_time, last_update_time and tags. */
  filter?: string;
  viewType?: ViewType;
  maxResults?: number;
  /** On name, experiment_id, creation_time, last_update_time; default `creation_time DESC, experiment_id ASC`. */
  orderBy?: readonly string[];
  pageToken?: string;
}

export interface SearchExperimentsResult extends SearchPage {
  experimentIds: string[];
}

type ExperimentsQuery = SelectQueryBuilder<Database, 'experiments', { experiment_id: string }>;

const stages: Readonly<Record<ViewType, string | undefined>> = { ACTIVE_ONLY: 'active', DELETED_ONLY: 'deleted', ALL: undefined };
const defaultOrder: readonly string[] = ['creation_time DESC', 'experiment_id ASC'];

/**
 * Experiments matching an MLflow filter, one page of ids at a time.
 *
 * @example
 * const { experimentIds } = await searchExperiments(store, { filter: "name LIKE 'reco%' and tags.team = 'ml'" });
 */
export async function searchExperiments(store: Store, options: SearchExperimentsOptions = {}): Promise<SearchExperimentsResult> {
  const comparisons = parseFilter(options.filter ?? '', experimentsGrammar);
  const orderBy = parseOrderBy(options.orderBy?.length ? options.orderBy : defaultOrder, experimentsGrammar);
  const maxResults = checkMaxResults(options.maxResults);
  const offset = decodePageToken(options.pageToken);

  const dialect = searchDialects[store.dialect];
  let query: ExperimentsQuery = store.db.selectFrom('experiments').select('experiments.experiment_id');
  const stage = stages[options.viewType ?? 'ACTIVE_ONLY'];
  if (stage !== undefined) query = query.where('experiments.lifecycle_stage', '=', stage);
  for (const condition of experimentConditions(comparisons, dialect)) query = query.where(condition);
  query = orderExperiments(query, orderBy, dialect);

  const rows = await query.limit(maxResults + 1).offset(offset).execute();
  const experimentIds = rows.slice(0, maxResults).map((r) => r.experiment_id);
  return rows.length > maxResults ? { experimentIds, nextPageToken: encodePageToken(offset + maxResults) } : { experimentIds };
}

function experimentConditions(comparisons: readonly Comparison[], dialect: SearchDialect): Condition[] {
  return tagAndAttributeConditions(comparisons, dialect, {
    noun: 'experiments',
    column: (key) => sql.ref(`experiments.${key}`),
    tagRows: sql`from experiment_tags as kv where kv.experiment_id = experiments.experiment_id`,
  });
}

/** Experiment ids are decimal strings: shorter first, then by text, is numeric order. */
function orderExperiments(query: ExperimentsQuery, orderBy: OrderBy[], dialect: SearchDialect): ExperimentsQuery {
  const byId = (ob: OrderByItemBuilder, ascending: boolean) => (ascending ? ob.asc() : ob.desc());
  for (const o of orderBy) {
    if (o.entity !== 'attribute') throw invalidArgument(`experiments can only be ordered by attributes, not by ${o.entity}s`);
    const direction = (ob: OrderByItemBuilder) => byId(ob, o.ascending);
    if (o.key === 'experiment_id') {
      query = query
        .orderBy(sql`length(experiments.experiment_id)`, direction)
        .orderBy('experiments.experiment_id', (ob) => direction(dialect.byteOrder(ob)));
    } else if (o.key === 'name') {
      query = query.orderBy('experiments.name', (ob) => direction(dialect.byteOrder(ob)));
    } else {
      query = query.orderBy(sql.ref(`experiments.${o.key}`), direction);
    }
  }
  if (!orderBy.some((o) => o.key === 'experiment_id')) {
    // MLflow's tie-breaker when the caller's order_by leaves it out.
    query = query.orderBy(sql`length(experiments.experiment_id)`, 'desc').orderBy('experiments.experiment_id', (ob) => dialect.byteOrder(ob.desc()));
  }
  return query;
}
