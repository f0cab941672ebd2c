import type { AttributeSpec, FilterGrammar } from '../search-filter/index.js';
import type { Comparator } from '../search-filter/types.js';

const numeric: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const text: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const string = (key: string): AttributeSpec => ({ key, kind: 'string', comparators: text, orderable: true });
const time = (key: string): AttributeSpec => ({ key, kind: 'number', comparators: numeric, orderable: true });

/**
 * MLflow 3's search_logged_models filter (mlflow/utils/search_logged_model_utils.py): comparisons
 * joined by AND on `attributes.*` or bare attribute names, `metrics.*` (numbers), `params.*` and
 * `tags.*` (strings). Attribute names are SqlLoggedModel's columns and their aliases.
 */
export const loggedModelsGrammar: FilterGrammar = {
  subject: 'logged models',
  prefixes: { attributes: 'attribute', metrics: 'metric', params: 'param', tags: 'tag' },
  entities: {
    metric: { kind: 'number', comparators: numeric },
    param: { kind: 'string', comparators: text },
    tag: { kind: 'string', comparators: text },
  },
  attributes: {
    model_id: string('model_id'),
    experiment_id: string('experiment_id'),
    name: string('name'),
    artifact_location: string('artifact_location'),
    status: string('status'),
    status_message: string('status_message'),
    model_type: string('model_type'),
    source_run_id: string('source_run_id'),
    creation_timestamp_ms: time('creation_timestamp_ms'),
    creation_timestamp: time('creation_timestamp_ms'),
    creation_time: time('creation_timestamp_ms'),
    last_updated_timestamp_ms: time('last_updated_timestamp_ms'),
    last_updated_timestamp: time('last_updated_timestamp_ms'),
  },
};

/** Filter/order attribute → column of logged_models. */
export const attributeColumns: Readonly<Record<string, string>> = {
  model_id: 'model_id',
  experiment_id: 'experiment_id',
  name: 'name',
  artifact_location: 'artifact_location',
  status: 'status',
  status_message: 'status_message',
  model_type: 'model_type',
  source_run_id: 'source_run_id',
  creation_timestamp_ms: 'creation_time',
  last_updated_timestamp_ms: 'last_updated_time',
};
