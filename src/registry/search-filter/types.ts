/** What a filter or order_by identifier names: `metrics.acc`, `params.lr`, `tags.x`, `status`… */
export type Entity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

export type Comparator =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'LIKE'
  | 'ILIKE'
  | 'IN'
  | 'NOT IN'
  | 'IS NULL'
  | 'IS NOT NULL';

/**
 * One `identifier comparator value` term of an MLflow filter; a filter is these joined by AND.
 * `key` is canonical (aliases such as `created` are already resolved to `start_time`).
 * `value` is a number for metrics and numeric attributes, a string for the rest, a list for
 * IN / NOT IN, and null for IS NULL / IS NOT NULL.
 */
export interface Comparison {
  entity: Entity;
  key: string;
  comparator: Comparator;
  value: string | number | string[] | null;
  /** 1-based character position of the identifier in the filter, for later error messages. */
  position: number;
}

export interface OrderBy {
  entity: Exclude<Entity, 'dataset'>;
  key: string;
  ascending: boolean;
}

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** A page of ids, with the token for the next page when there is one. */
export interface SearchPage {
  nextPageToken?: string;
}
