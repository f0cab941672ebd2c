import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { invalidArgument } from '../../errors.js';
import type { SearchDialect } from './dialect-sql.js';
import type { Comparison } from './types.js';

export type Condition = RawBuilder<SqlBool>;

// Operators come from this fixed table, never from the filter text; values are always bound.
const operators = {
  '=': sql`=`,
  '!=': sql`<>`,
  '<': sql`<`,
  '<=': sql`<=`,
  '>': sql`>`,
  '>=': sql`>=`,
} as const;

/** `column <comparator> value` for every comparator that takes a value. */
export function compare(column: Expression<unknown>, c: Comparison, dialect: SearchDialect): Condition {
  const { comparator, value } = c;
  switch (comparator) {
    case 'LIKE':
      return dialect.like(column, value as string);
    case 'ILIKE':
      return dialect.ilike(column, value as string);
    case 'IN':
      return sql<SqlBool>`${column} in (${sql.join(value as string[])})`;
    case 'NOT IN':
      return sql<SqlBool>`${column} not in (${sql.join(value as string[])})`;
    case 'IS NULL':
    case 'IS NOT NULL':
      throw new Error(`${comparator} takes no value: test the row's presence instead`);
    default:
      return sql<SqlBool>`${column} ${operators[comparator]} ${value}`;
  }
}

/**
 * A test on the key/value rows of a searched object (a run's params or tags, an experiment's
 * tags): the object must have the key with a matching value, or, for IS [NOT] NULL, must lack
 * (have) the key at all. A missing key never matches a value test, as in MLflow.
 */
export function keyValueCondition(
  table: 'params' | 'run_tags' | 'experiment_tags',
  owner: { column: 'run_id' | 'experiment_id'; outer: Expression<unknown> },
  c: Comparison,
  dialect: SearchDialect,
): Condition {
  const rows = sql`select 1 from ${sql.table(table)} as kv where kv.${sql.ref(owner.column)} = ${owner.outer} and kv.key = ${c.key}`;
  if (c.comparator === 'IS NULL') return sql<SqlBool>`not exists (${rows})`;
  if (c.comparator === 'IS NOT NULL') return sql<SqlBool>`exists (${rows})`;
  return sql<SqlBool>`exists (${rows} and ${compare(sql.ref('kv.value'), c, dialect)})`;
}

export function unsupported(c: Comparison, what: string): Error {
  return invalidArgument(`Invalid filter at position ${c.position}: ${what}`, { position: c.position });
}
