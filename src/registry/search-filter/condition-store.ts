import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { invalidArgument } from '../../errors.js';
import type { SearchDialect } from './dialect-store.js';
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
 * One test on the key/value rows of a searched object (a run's params, tags or latest metrics, an
 * experiment's or a model's tags), rows aliased `kv`: the object must have the key with a row
 * passing `test`; with `absent`, must lack the key; with neither, must have it at all. A missing
 * key never matches a value test, as in MLflow.
 */
export interface KeyTest {
  key: string;
  test?: Condition;
  absent?: boolean;
}

/** The test a param or tag comparison makes on its row's `kv.value`. */
export function keyValueTest(c: Comparison, dialect: SearchDialect): KeyTest {
  if (c.comparator === 'IS NULL') return { key: c.key, absent: true };
  if (c.comparator === 'IS NOT NULL') return { key: c.key };
  return { key: c.key, test: compare(sql.ref('kv.value'), c, dialect) };
}

/**
 * All the tests on one object's rows (`rows`: `from <table> as kv where <kv belongs to the outer
 * row>`), ANDed. One test is a plain EXISTS, which the planner may run as a semi-join. Several are
 * one EXISTS over the object's rows with one aggregate per test: PostgreSQL turns every top-level
 * EXISTS into a join and plans N joins in time far worse than linear (200 tests on one tag took
 * 143 s to plan), while an aggregate EXISTS stays a per-row subplan whose cost grows with N.
 */
export function keyTests(rows: RawBuilder<unknown>, tests: readonly KeyTest[]): Condition[] {
  const hit = (t: KeyTest) => (t.test ? sql<SqlBool>`kv.key = ${t.key} and ${t.test}` : sql<SqlBool>`kv.key = ${t.key}`);
  if (tests.length === 0) return [];
  if (tests.length === 1) {
    const t = tests[0]!;
    return [t.absent ? sql<SqlBool>`not exists (select 1 ${rows} and ${hit(t)})` : sql<SqlBool>`exists (select 1 ${rows} and ${hit(t)})`];
  }
  const keys = [...new Set(tests.map((t) => t.key))];
  // SQLite takes a query as aggregate only when it selects one: count(*), never read. Without
  // GROUP BY the aggregate yields one row even when the object has none of the keys, so
  // that IS NULL tests (a count of 0) can pass.
  const flags = tests.map((t) => sql<SqlBool>`coalesce(max(case when ${hit(t)} then 1 else 0 end), 0) = ${sql.lit(t.absent ? 0 : 1)}`);
  return [sql<SqlBool>`exists (select count(*) ${rows} and kv.key in (${sql.join(keys)}) having ${sql.join(flags, sql` and `)})`];
}

export function unsupported(c: Comparison, what: string): Error {
  return invalidArgument(`Invalid filter at position ${c.position}: ${what}`, { position: c.position });
}

/** Where a search's attributes and tags live: a column per attribute, one key/value table of tags. */
export interface TagAndAttributeTarget {
  /** The objects' name in messages: "experiments", "registered models"… */
  noun: string;
  column: (key: string) => Expression<unknown>;
  /** `from <tags> as kv where <kv rows of the current object>`, for keyTests. */
  tagRows: RawBuilder<unknown>;
}

/** The conditions of a filter over attributes and tags only (experiments, registered models, model versions). */
export function tagAndAttributeConditions(comparisons: readonly Comparison[], dialect: SearchDialect, target: TagAndAttributeTarget): Condition[] {
  const conditions: Condition[] = [];
  const tags: KeyTest[] = [];
  for (const c of comparisons) {
    if (c.entity === 'tag') tags.push(keyValueTest(c, dialect));
    else if (c.entity === 'attribute') conditions.push(compare(target.column(c.key), c, dialect));
    else throw unsupported(c, `${target.noun} cannot be filtered on ${c.entity}s`);
  }
  return [...conditions, ...keyTests(target.tagRows, tags)];
}
