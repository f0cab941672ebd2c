import { sql, type Expression, type OrderByItemBuilder, type SelectQueryBuilder } from 'kysely';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import { compare, keyTests, keyValueTest, unsupported, type Condition, type KeyTest } from './condition-store.js';
import { searchDialects, type SearchDialect } from './dialect-store.js';
import { runsGrammar } from './grammar.js';
import { parseOrderBy } from './order-by.js';
import { checkMaxResults, decodePageToken, encodePageToken } from './page-token.js';
import { parseFilter } from './parse.js';
import type { Comparison, OrderBy, SearchPage, ViewType } from './types.js';

export interface SearchRunsOptions {
  experimentIds: readonly string[];
  /** An MLflow filter string; empty or absent matches every run. */
  filter?: string;
  runViewType?: ViewType;
  /** 1 to 50,000; 1,000 when absent. */
  maxResults?: number;
  /** MLflow order_by clauses, e.g. `metrics.acc DESC`. */
  orderBy?: readonly string[];
  pageToken?: string;
}

export interface SearchRunsResult extends SearchPage {
  runIds: string[];
}

type RunsQuery = SelectQueryBuilder<Database, 'runs', { run_id: string }>;

const runColumns: Readonly<Record<string, { column: keyof Database['runs']; text: boolean }>> = {
  run_id: { column: 'run_id', text: true },
  run_name: { column: 'name', text: true },
  status: { column: 'status', text: true },
  user_id: { column: 'user_id', text: true },
  artifact_uri: { column: 'artifact_uri', text: true },
  start_time: { column: 'start_time', text: false },
  end_time: { column: 'end_time', text: false },
};

const stages: Readonly<Record<ViewType, string | undefined>> = { ACTIVE_ONLY: 'active', DELETED_ONLY: 'deleted', ALL: undefined };

/**
 * Runs of the given experiments matching an MLflow filter, in order_by order (then newest
 * first, then by id), one page at a time. Returns ids only: the caller loads the runs.
 *
 * @example
 * const { runIds, nextPageToken } = await searchRuns(store, {
 *   experimentIds: ['0'], filter: "metrics.acc > 0.8 and params.model = 'xgb'", orderBy: ['metrics.acc DESC'],
 * });
 */
export async function searchRuns(store: Store, options: SearchRunsOptions): Promise<SearchRunsResult> {
  const page = compileSearchRuns(store, options);
  if (page === undefined) return { runIds: [] };
  const { query, maxResults, offset } = page;
  const rows = await query.execute();
  const runIds = rows.slice(0, maxResults).map((r) => r.run_id);
  return rows.length > maxResults ? { runIds, nextPageToken: encodePageToken(offset + maxResults) } : { runIds };
}

/**
 * The query of one page (one row more than asked, to know whether another page follows), or
 * undefined when no experiment is searched. Exposed for query plans in benchmarks.
 */
export function compileSearchRuns(store: Store, options: SearchRunsOptions): { query: RunsQuery; maxResults: number; offset: number } | undefined {
  const comparisons = parseFilter(options.filter ?? '', runsGrammar);
  const orderBy = parseOrderBy(options.orderBy ?? [], runsGrammar);
  const maxResults = checkMaxResults(options.maxResults);
  const offset = decodePageToken(options.pageToken);
  if (options.experimentIds.length === 0) return undefined;

  const dialect = searchDialects[store.dialect];
  let query: RunsQuery = store.db
    .selectFrom('runs')
    .select('runs.run_id')
    .where('runs.experiment_id', 'in', [...options.experimentIds]);
  const stage = stages[options.runViewType ?? 'ACTIVE_ONLY'];
  if (stage !== undefined) query = query.where('runs.lifecycle_stage', '=', stage);
  for (const condition of runConditions(comparisons, dialect)) query = query.where(condition);
  query = orderRuns(query, orderBy, dialect);
  return { query: query.limit(maxResults + 1).offset(offset), maxResults, offset };
}

/** Attribute tests on the run's own columns; one key test per table of key/value rows. */
function runConditions(comparisons: readonly Comparison[], dialect: SearchDialect): Condition[] {
  const conditions: Condition[] = [];
  const tests: Record<'metric' | 'param' | 'tag', KeyTest[]> = { metric: [], param: [], tag: [] };
  for (const c of comparisons) {
    switch (c.entity) {
      case 'metric':
        tests.metric.push({ key: c.key, test: metricTest(c, dialect) });
        break;
      case 'param':
      case 'tag':
        tests[c.entity].push(keyValueTest(c, dialect));
        break;
      case 'attribute':
        conditions.push(compare(sql.ref(`runs.${runColumns[c.key]!.column}`), c, dialect));
        break;
      case 'dataset':
        throw unsupported(c, 'dataset filters are not supported yet: Threadline does not record MLflow dataset inputs');
    }
  }
  return [
    ...conditions,
    ...keyTests(sql`from latest_metrics as kv where kv.run_id = runs.run_id`, tests.metric),
    ...keyTests(sql`from params as kv where kv.run_id = runs.run_id`, tests.param),
    ...keyTests(sql`from run_tags as kv where kv.run_id = runs.run_id`, tests.tag),
  ];
}

/**
 * Metrics compare on their latest value. NaN is stored as 0 with is_nan = 1; it follows IEEE
 * rules here (equal to nothing, different from everything) rather than posing as 0.
 */
function metricTest(c: Comparison, dialect: SearchDialect): Condition {
  const value = sql.ref('kv.value');
  return c.comparator === '!=' ? sql`(kv.is_nan = 1 or ${value} <> ${c.value})` : sql`kv.is_nan = 0 and ${compare(value, c, dialect)}`;
}

type Direction = (ob: OrderByItemBuilder) => OrderByItemBuilder;

/**
 * Each order_by key sorts runs that lack it last, whatever the direction, and NaN metrics just
 * before them, as MLflow does; then newest first, then by run id, so pages never overlap.
 */
function orderRuns(query: RunsQuery, orderBy: OrderBy[], dialect: SearchDialect): RunsQuery {
  for (const o of orderBy) {
    const direction: Direction = (ob) => (o.ascending ? ob.asc() : ob.desc()).nullsLast();
    if (o.entity === 'metric') {
      const latest = sql`from latest_metrics as m where m.run_id = runs.run_id and m.key = ${o.key}`;
      query = query
        .orderBy(sql`coalesce((select m.is_nan ${latest}), 2)`, 'asc')
        .orderBy(sql`(select m.value ${latest} and m.is_nan = 0)`, direction);
    } else if (o.entity === 'attribute') {
      const { column, text } = runColumns[o.key]!;
      query = query.orderBy(sql.ref(`runs.${column}`), text ? (ob) => direction(dialect.byteOrder(ob)) : direction);
    } else {
      const table = sql.table(o.entity === 'param' ? 'params' : 'run_tags');
      const value: Expression<string> = sql`(select kv.value from ${table} as kv where kv.run_id = runs.run_id and kv.key = ${o.key})`;
      query = query.orderBy(value, (ob) => direction(dialect.byteOrder(ob)));
    }
  }
  if (!orderBy.some((o) => o.entity === 'attribute' && o.key === 'start_time')) query = query.orderBy('runs.start_time', 'desc');
  return query.orderBy('runs.run_id', (ob) => dialect.byteOrder(ob.asc()));
}
