import fc from 'fast-check';
import { hostileNumber, hostileString } from './arbitraries.js';

/**
 * MLflow search filters, mostly well formed (so that they reach the SQL) and sometimes not: the
 * identifiers of every grammar (runs, experiments, registered models, model versions), every
 * comparator, values of the right and wrong kind, quoting that breaks, long AND chains and lists.
 */
const identifiers = [
  'metrics.acc', 'metrics.`a b`', 'metric.loss', 'params.lr', 'param."x y"', 'tags.team', 'tags.`mlflow.runName`', 'tag.x',
  'attributes.status', 'attribute.run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time', 'created',
  'run_id', 'name', 'creation_time', 'last_update_time', 'experiment_id', 'version_number', 'source_path', 'creation_timestamp',
  'last_updated_timestamp', 'timestamp', 'current_stage', 'lifecycle_stage', 'dataset.name', 'datasets.digest', 'dataset.context',
  'tags.', 'metrics', '`', 'tags.``', 'tags.`\u0000`',
];

const comparators = ['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'like', 'ILIKE', 'IN', 'NOT IN', 'not in', 'IS NULL', 'IS NOT NULL', 'is null', '==', '<>', 'NOT', 'IS'];

const quoted = (s: string) => `'${s.replace(/'/g, "''")}'`;

const value: fc.Arbitrary<string> = fc.oneof(
  hostileString.map(quoted),
  hostileString.map((s) => `"${s}"`),
  hostileNumber.map(String),
  fc.array(hostileString.map(quoted), { minLength: 0, maxLength: 6 }).map((xs) => `(${xs.join(', ')})`),
  fc.constantFrom("'%'", "'_%\\\\'", "'alpha'", '1', '-1', '1e400', "'", '(', ')', "('a',)", '()', 'NULL', "'\u0000'"),
);

const term: fc.Arbitrary<string> = fc.tuple(fc.constantFrom(...identifiers), fc.constantFrom(...comparators), value).map(([id, op, v]) => (op.toUpperCase().startsWith('IS') ? `${id} ${op}` : `${id} ${op} ${v}`));

const joiner = fc.constantFrom(' AND ', ' and ', ' And ', ' OR ', ' ; ', ' ', ' AND AND ');

/** One filter: a few terms, now and then a long chain (hundreds) or a long list. */
export const filterText: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.tuple(term, joiner), { minLength: 1, maxLength: 5 }).map(join) },
  { weight: 2, arbitrary: fc.tuple(term, fc.integer({ min: 50, max: 400 })).map(([t, n]) => Array.from({ length: n }, () => t).join(' AND ')) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3000 }).map((n) => `tags.team IN (${Array.from({ length: n }, (_, i) => `'v${i}'`).join(',')})`) },
  { weight: 1, arbitrary: hostileString },
);

function join(parts: [string, string][]): string {
  return parts.map(([t, j], i) => (i === parts.length - 1 ? t : t + j)).join('');
}

/** order_by clauses for any grammar, valid or not. */
export const orderByClause: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...identifiers, 'tags.x', 'metrics.m', 'name', 'version_number'), fc.constantFrom('', ' ASC', ' DESC', ' desc', ' sideways'))
  .map(([id, dir]) => id + dir);
