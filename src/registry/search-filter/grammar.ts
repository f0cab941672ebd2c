import type { Comparator, Entity } from './types.js';

export type ValueKind = 'number' | 'integer' | 'string';

export interface AttributeSpec {
  /** The canonical key the AST carries (`created` → `start_time`). */
  key: string;
  kind: ValueKind;
  comparators: readonly Comparator[];
  /** Whether `order_by` may name it. */
  orderable: boolean;
}

export interface EntitySpec {
  kind: ValueKind;
  comparators: readonly Comparator[];
  /** When set, only these keys are valid (datasets: name, digest, context). */
  keys?: readonly string[];
}

/**
 * What one searchable object (runs, experiments, later registered models…) accepts. The parser
 * is one; each object declares its grammar here instead of subclassing it as MLflow does.
 */
export interface FilterGrammar {
  /** Plural noun for messages: "runs", "experiments". */
  subject: string;
  /** Identifier prefixes (with their aliases) and the entity each names. */
  prefixes: Readonly<Record<string, Entity>>;
  entities: Readonly<Partial<Record<Exclude<Entity, 'attribute'>, EntitySpec>>>;
  /** Attribute names, aliases included, keyed by what users write. */
  attributes: Readonly<Record<string, AttributeSpec>>;
  /** Names users try that are deliberately not attributes, with the reason. */
  attributeHints?: Readonly<Record<string, string>>;
}

const numeric: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const text: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
/** Params and tags may also be tested for presence (MLflow added IS [NOT] NULL for them). */
const keyValue: readonly Comparator[] = [...text, 'IS NULL', 'IS NOT NULL'];

const string = (key: string, comparators = text): AttributeSpec => ({ key, kind: 'string', comparators, orderable: true });
const time = (key: string): AttributeSpec => ({ key, kind: 'integer', comparators: numeric, orderable: true });

const attributePrefixes = { attribute: 'attribute', attributes: 'attribute', attr: 'attribute' } as const;

export const runsGrammar: FilterGrammar = {
  subject: 'runs',
  prefixes: {
    metric: 'metric',
    metrics: 'metric',
    param: 'param',
    params: 'param',
    parameter: 'param',
    parameters: 'param',
    tag: 'tag',
    tags: 'tag',
    ...attributePrefixes,
    run: 'attribute',
    dataset: 'dataset',
    datasets: 'dataset',
  },
  entities: {
    metric: { kind: 'number', comparators: numeric },
    param: { kind: 'string', comparators: keyValue },
    tag: { kind: 'string', comparators: keyValue },
    dataset: { kind: 'string', comparators: text, keys: ['name', 'digest', 'context'] },
  },
  attributes: {
    run_id: string('run_id'),
    run_name: string('run_name'),
    'run name': string('run_name'),
    'Run name': string('run_name'),
    'Run Name': string('run_name'),
    status: string('status'),
    user_id: string('user_id'),
    artifact_uri: string('artifact_uri'),
    start_time: time('start_time'),
    created: time('start_time'),
    Created: time('start_time'),
    end_time: time('end_time'),
  },
  attributeHints: {
    lifecycle_stage: 'choose deleted or active runs with the run view type instead',
    experiment_id: 'choose experiments with the experiment ids of the search instead',
  },
};

export const experimentsGrammar: FilterGrammar = {
  subject: 'experiments',
  prefixes: { ...attributePrefixes, tag: 'tag', tags: 'tag' },
  entities: {
    tag: { kind: 'string', comparators: keyValue },
  },
  attributes: {
    name: string('name', ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']),
    creation_time: time('creation_time'),
    last_update_time: time('last_update_time'),
    // Not filterable in MLflow, but a valid order_by key.
    experiment_id: { key: 'experiment_id', kind: 'string', comparators: [], orderable: true },
  },
  attributeHints: {
    lifecycle_stage: 'choose deleted or active experiments with the view type instead',
  },
};
