import type { Comparator } from './types.js';
import type { AttributeSpec, FilterGrammar } from './grammar.js';

// The registry's grammars, beside the runs' and experiments' ones in grammar.ts.
const numeric: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const text: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const keyValue: readonly Comparator[] = [...text, 'IS NULL', 'IS NOT NULL'];

const attr = (key: string, kind: AttributeSpec['kind'], comparators: readonly Comparator[], orderable = true): AttributeSpec => ({ key, kind, comparators, orderable });
const prefixes = { attribute: 'attribute', attributes: 'attribute', attr: 'attribute', tag: 'tag', tags: 'tag' } as const;

/** MLflow's search_model_versions filter: name, run_id, source_path, version_number, tags. */
export const modelVersionsGrammar: FilterGrammar = {
  subject: 'model versions',
  prefixes,
  entities: { tag: { kind: 'string', comparators: keyValue } },
  attributes: {
    name: attr('name', 'string', text),
    run_id: attr('run_id', 'string', ['=', '!=', 'IN', 'NOT IN'], false),
    source_path: attr('source_path', 'string', ['=', '!=', 'LIKE', 'ILIKE'], false),
    version_number: attr('version_number', 'integer', numeric),
    creation_timestamp: attr('creation_timestamp', 'integer', numeric),
    last_updated_timestamp: attr('last_updated_timestamp', 'integer', numeric),
    timestamp: attr('last_updated_timestamp', 'integer', numeric),
  },
  attributeHints: {
    current_stage: 'stages are not searchable in MLflow either: use get-latest-versions, or aliases',
  },
};

/** MLflow's search_registered_models filter: name and tags. */
export const registeredModelsGrammar: FilterGrammar = {
  subject: 'registered models',
  prefixes,
  entities: { tag: { kind: 'string', comparators: keyValue } },
  attributes: {
    name: attr('name', 'string', text),
    // Order-only, as in MLflow.
    creation_timestamp: attr('creation_timestamp', 'integer', [], true),
    last_updated_timestamp: attr('last_updated_timestamp', 'integer', [], true),
    timestamp: attr('last_updated_timestamp', 'integer', [], true),
  },
};
