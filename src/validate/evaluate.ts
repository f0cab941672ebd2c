import { isNumeric, rangeFits, typeFamily, type ColumnAggregate, type ColumnFacts, type Condition, type FactPlan, type FactSource, type UnexpectedFacts, type ValidationFacts } from './facts.js';
import type { Bound, Expectation, ExpectationResult, Observed, Suite, SuiteResult } from './types.js';

export const defaultExamples = 20;

/** The id under which a row-level check's answer comes back. */
const conditionId = (index: number) => `e${index}`;

/** What the engine must compute for this suite: one plan, answered in as few scans as it can. */
export function planFacts(suite: Suite, examples = defaultExamples): FactPlan {
  const columns: Record<string, Set<ColumnAggregate>> = {};
  const need = (column: string, ...aggregates: ColumnAggregate[]) => {
    const set = (columns[column] ??= new Set());
    for (const a of aggregates) set.add(a);
  };
  const conditions: FactPlan['conditions'] = [];
  suite.expectations.forEach((e, i) => {
    const condition = conditionOf(e);
    if (condition) conditions.push({ id: conditionId(i), column: e.column!, condition });
    if (!e.column) return;
    const aggregate: Partial<Record<Expectation['expect'], ColumnAggregate>> = {
      unique: 'duplicates',
      mean_between: 'mean',
      std_between: 'std',
      min_between: 'min',
      max_between: 'max',
      distinct_count_between: 'distinct',
    };
    const wanted = aggregate[e.expect];
    if (wanted) need(e.column, wanted);
    else need(e.column);
  });
  return {
    columns: Object.fromEntries(Object.entries(columns).map(([c, set]) => [c, [...set].sort()])),
    conditions,
    examples,
  };
}

function conditionOf(e: Expectation): Condition | null {
  if (e.expect === 'between') return { kind: 'range', min: e.min, max: e.max, strictMin: e.strictMin, strictMax: e.strictMax };
  if (e.expect === 'in_set') return { kind: 'set', values: e.values! };
  if (e.expect === 'regex') return { kind: 'regex', pattern: e.pattern! };
  return null;
}

/** Plans, asks the source once, evaluates. */
export async function runSuite(suite: Suite, source: FactSource, examples = defaultExamples): Promise<SuiteResult> {
  return evaluateSuite(suite, await source.facts(planFacts(suite, examples)));
}

/** Every expectation of the suite judged against the facts; the suite passes when all do. */
export function evaluateSuite(suite: Suite, facts: ValidationFacts): SuiteResult {
  const results = suite.expectations.map((e, i) => evaluateExpectation(e, i, facts));
  const failed = results.filter((r) => !r.success).length;
  return { suite: suite.name, success: failed === 0, rowCount: facts.rowCount, evaluated: results.length, passed: results.length - failed, failed, results };
}

export function evaluateExpectation(e: Expectation, index: number, facts: ValidationFacts): ExpectationResult {
  const base: ExpectationResult = {
    index,
    expect: e.expect,
    column: e.column ?? null,
    description: describeExpectation(e),
    success: false,
    observed: null,
    elementCount: null,
    unexpectedCount: null,
    unexpectedPercent: null,
    unexpectedExamples: [],
    error: null,
  };
  const fail = (error: string, observed: Observed = null): ExpectationResult => ({ ...base, error, observed });
  const aggregate = (observed: number | string | null): ExpectationResult => ({ ...base, observed, success: observed !== null && withinBounds(observed, e) });

  if (e.expect === 'row_count_between') return aggregate(facts.rowCount);
  if (e.expect === 'column_count_equal') return { ...base, observed: facts.schema.length, success: facts.schema.length === e.value };

  const column = e.column!;
  const columnType = facts.schema.find((c) => c.name === column)?.type;
  if (e.expect === 'column_exists') return { ...base, observed: columnType !== undefined, success: columnType !== undefined };
  const stats = facts.columns[column];
  if (columnType === undefined || !stats) return fail(`column '${column}' not found (columns: ${facts.schema.map((c) => c.name).join(', ') || 'none'})`);

  switch (e.expect) {
    case 'not_null':
      return rowLevel(base, e, facts.rowCount, { count: facts.rowCount - stats.nonNull, examples: [] });
    case 'unique':
      return needed(stats, 'duplicates', (duplicates) => rowLevel(base, e, stats.nonNull, duplicates), fail);
    case 'between':
      // No values: nothing to be out of range, whatever the type (a header-only CSV is all VARCHAR).
      if (stats.nonNull === 0) return rowLevel(base, e, 0, { count: 0, examples: [] });
      if (!rangeFits(columnType, [e.min, e.max])) return fail(`bounds ${boundText(e)} do not apply to column '${column}' of type ${columnType}`);
      return conditionResult(base, e, stats, facts, index, fail);
    case 'in_set':
    case 'regex':
      return conditionResult(base, e, stats, facts, index, fail);
    case 'type': {
      const accepted = Array.isArray(e.type) ? e.type : [e.type!];
      return { ...base, observed: columnType, success: accepted.some((t) => typeMatches(columnType, t)) };
    }
    case 'mean_between':
    case 'std_between': {
      if (!isNumeric(columnType)) return fail(`${e.expect === 'mean_between' ? 'mean' : 'standard deviation'} of column '${column}' of type ${columnType}: not a number column`);
      const value = e.expect === 'mean_between' ? stats.mean : stats.std;
      return value === undefined ? fail(`the engine did not compute this for '${column}'`) : aggregate(value);
    }
    case 'min_between':
    case 'max_between': {
      if (!rangeFits(columnType, [e.min, e.max])) return fail(`bounds ${boundText(e)} do not apply to column '${column}' of type ${columnType}`);
      const value = e.expect === 'min_between' ? stats.min : stats.max;
      if (value === undefined) return fail(`the engine did not compute this for '${column}'`);
      return aggregate(typeof value === 'boolean' ? String(value) : value);
    }
    case 'distinct_count_between':
      return stats.distinct === undefined ? fail(`the engine did not compute this for '${column}'`) : aggregate(stats.distinct);
    case 'null_fraction_at_most': {
      const fraction = facts.rowCount === 0 ? 0 : (facts.rowCount - stats.nonNull) / facts.rowCount;
      return { ...base, observed: fraction, elementCount: facts.rowCount, unexpectedCount: facts.rowCount - stats.nonNull, unexpectedPercent: percent(facts.rowCount - stats.nonNull, facts.rowCount), success: fraction <= (e.max as number) };
    }
  }
  return fail(`no evaluation for '${e.expect}'`);
}

function needed<T>(stats: ColumnFacts, key: 'duplicates', use: (value: UnexpectedFacts) => T, fail: (error: string) => T): T {
  const value = stats[key];
  return value === undefined ? fail('the engine did not compute this') : use(value);
}

function conditionResult(base: ExpectationResult, e: Expectation, stats: ColumnFacts, facts: ValidationFacts, index: number, fail: (error: string) => ExpectationResult): ExpectationResult {
  const answer = facts.unexpected[conditionId(index)];
  if (!answer) return fail(`the engine could not check column '${e.column}' for this`);
  return rowLevel(base, e, stats.nonNull, answer);
}

/**
 * GX's row-level rule: without `mostly` every value must be as expected; with it, at least that
 * fraction of them. No values to check is a pass (GX: vacuously true).
 */
function rowLevel(base: ExpectationResult, e: Expectation, elementCount: number, unexpected: UnexpectedFacts): ExpectationResult {
  const good = elementCount === 0 ? 1 : (elementCount - unexpected.count) / elementCount;
  const success = e.mostly === undefined ? unexpected.count === 0 : good >= e.mostly;
  return {
    ...base,
    success,
    observed: elementCount === 0 ? 0 : unexpected.count / elementCount,
    elementCount,
    unexpectedCount: unexpected.count,
    unexpectedPercent: percent(unexpected.count, elementCount),
    unexpectedExamples: unexpected.examples,
  };
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);

/** Inclusive bounds unless strict; text bounds compare as text (ISO dates and times sort right). */
export function withinBounds(observed: number | string, e: Pick<Expectation, 'min' | 'max' | 'strictMin' | 'strictMax'>): boolean {
  const compare = (a: number | string, b: Bound): number | null => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'string' && typeof b === 'string') {
      // DuckDB writes timestamps `2026-01-02 10:00:00`; a bound may be ISO `2026-01-02T10:00:00`.
      const [x, y] = [a, b].map((t) => t.replace(/^(\d{4}-\d{2}-\d{2})T/, '$1 '));
      return x! < y! ? -1 : x! > y! ? 1 : 0;
    }
    return null;
  };
  if (e.min !== undefined) {
    const c = compare(observed, e.min);
    if (c === null || (e.strictMin ? c <= 0 : c < 0)) return false;
  }
  if (e.max !== undefined) {
    const c = compare(observed, e.max);
    if (c === null || (e.strictMax ? c >= 0 : c > 0)) return false;
  }
  return true;
}

/**
 * Generic names, lower case (`integer`, `number`, `string`, pandas' `int64`…), match a family;
 * anything else is a DuckDB type name compared exactly but for case (`BIGINT`, `INTEGER`), as GX
 * does on SQL back ends.
 */
const typeWords: Record<string, (duckType: string) => boolean> = {
  integer: (t) => typeFamily(t) === 'integer',
  int: (t) => typeFamily(t) === 'integer',
  int64: (t) => typeFamily(t) === 'integer',
  float: (t) => typeFamily(t) === 'float',
  float64: (t) => typeFamily(t) === 'float',
  number: (t) => isNumeric(t),
  numeric: (t) => isNumeric(t),
  string: (t) => typeFamily(t) === 'string',
  str: (t) => typeFamily(t) === 'string',
  text: (t) => typeFamily(t) === 'string',
  object: (t) => typeFamily(t) === 'string',
  boolean: (t) => typeFamily(t) === 'boolean',
  bool: (t) => typeFamily(t) === 'boolean',
  date: (t) => typeFamily(t) === 'date',
  datetime: (t) => typeFamily(t) === 'timestamp',
  datetime64: (t) => typeFamily(t) === 'timestamp',
  timestamp: (t) => typeFamily(t) === 'timestamp',
  time: (t) => typeFamily(t) === 'time',
};

export function typeMatches(duckType: string, expected: string): boolean {
  const word = expected.trim();
  const generic = Object.hasOwn(typeWords, word) ? typeWords[word] : undefined;
  if (generic) return generic(duckType);
  return duckType.replace(/\s+/g, ' ').toUpperCase() === expected.replace(/\s+/g, ' ').trim().toUpperCase();
}

function boundText(e: Pick<Expectation, 'min' | 'max' | 'strictMin' | 'strictMax'>): string {
  const show = (b: Bound) => (typeof b === 'string' ? `'${b}'` : String(b));
  if (e.min !== undefined && e.max !== undefined) return `${e.strictMin ? '>' : '≥'} ${show(e.min)} and ${e.strictMax ? '<' : '≤'} ${show(e.max)}`;
  if (e.min !== undefined) return `${e.strictMin ? '>' : '≥'} ${show(e.min)}`;
  return `${e.strictMax ? '<' : '≤'} ${show(e.max!)}`;
}

/** One line a person reads in a report. */
export function describeExpectation(e: Expectation): string {
  const c = e.column ?? '';
  const mostly = e.mostly === undefined ? '' : ` (mostly ${e.mostly})`;
  switch (e.expect) {
    case 'column_exists':
      return `column ${c} exists`;
    case 'not_null':
      return `${c} is never null${mostly}`;
    case 'unique':
      return `${c} values are unique${mostly}`;
    case 'between':
      return `${c} values ${boundText(e)}${mostly}`;
    case 'in_set':
      return `${c} values in {${e.values!.map((v) => JSON.stringify(v)).join(', ')}}${mostly}`;
    case 'regex':
      return `${c} values match /${e.pattern}/${mostly}`;
    case 'type':
      return `${c} is of type ${Array.isArray(e.type) ? e.type.join(' | ') : e.type}`;
    case 'row_count_between':
      return `row count ${boundText(e)}`;
    case 'mean_between':
      return `mean of ${c} ${boundText(e)}`;
    case 'std_between':
      return `standard deviation of ${c} ${boundText(e)}`;
    case 'min_between':
      return `minimum of ${c} ${boundText(e)}`;
    case 'max_between':
      return `maximum of ${c} ${boundText(e)}`;
    case 'distinct_count_between':
      return `distinct values of ${c} ${boundText(e)}`;
    case 'null_fraction_at_most':
      return `null fraction of ${c} ≤ ${e.max}`;
    case 'column_count_equal':
      return `column count = ${e.value}`;
  }
}
