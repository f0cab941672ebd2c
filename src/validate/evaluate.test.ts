import { describe, expect, it } from 'vitest';
import { evaluateSuite, planFacts, runSuite, typeMatches, withinBounds } from './evaluate.js';
import type { FactPlan, ValidationFacts } from './facts.js';
import type { Suite } from './types.js';

/** Hand-written facts of a 10-row table. */
const facts: ValidationFacts = {
  rowCount: 10,
  schema: [
    { name: 'id', type: 'BIGINT' },
    { name: 'amount', type: 'DOUBLE' },
    { name: 'status', type: 'VARCHAR' },
    { name: 'day', type: 'DATE' },
  ],
  columns: {
    id: { nonNull: 10, duplicates: { count: 2, examples: [7] }, distinct: 9 },
    amount: { nonNull: 8, mean: 12.5, std: 3, min: -1, max: 40 },
    status: { nonNull: 10, min: 'new', max: 'paid' },
    day: { nonNull: 10, min: '2026-01-01', max: '2026-01-31' },
  },
  unexpected: {
    e0: { count: 1, examples: [-1] },
    e1: { count: 2, examples: ['lost', 'void'] },
  },
};

describe('evaluateSuite on hand facts', () => {
  it('judges each expectation and gives counts, percents and examples', () => {
    const suite: Suite = {
      name: 's',
      expectations: [
        { expect: 'between', column: 'amount', min: 0, max: 100 },
        { expect: 'in_set', column: 'status', values: ['new', 'paid'], mostly: 0.8 },
        { expect: 'not_null', column: 'amount', mostly: 0.8 },
        { expect: 'not_null', column: 'amount' },
        { expect: 'unique', column: 'id' },
        { expect: 'row_count_between', min: 10, max: 10 },
        { expect: 'row_count_between', min: 10, strictMin: true },
        { expect: 'mean_between', column: 'amount', min: 12, max: 13 },
        { expect: 'std_between', column: 'amount', max: 2 },
        { expect: 'min_between', column: 'day', min: '2026-01-01' },
        { expect: 'max_between', column: 'amount', max: 40, strictMax: true },
        { expect: 'distinct_count_between', column: 'id', min: 9, max: 9 },
        { expect: 'null_fraction_at_most', column: 'amount', max: 0.2 },
        { expect: 'column_count_equal', value: 4 },
        { expect: 'type', column: 'id', type: 'integer' },
        { expect: 'type', column: 'amount', type: ['INTEGER', 'BIGINT'] },
        { expect: 'column_exists', column: 'ghost' },
      ],
    };
    const result = evaluateSuite(suite, facts);
    const verdicts = result.results.map((r) => r.success);
    expect(verdicts).toEqual([false, true, true, false, false, true, false, true, false, true, false, true, true, true, true, false, false]);
    expect(result).toMatchObject({ suite: 's', success: false, rowCount: 10, evaluated: 17, failed: 8, passed: 9 });

    const [between, inSet, notNullMostly, notNull, unique] = result.results;
    expect(between).toMatchObject({ elementCount: 8, unexpectedCount: 1, unexpectedPercent: 12.5, unexpectedExamples: [-1], observed: 0.125, error: null });
    expect(inSet).toMatchObject({ elementCount: 10, unexpectedCount: 2, unexpectedPercent: 20, unexpectedExamples: ['lost', 'void'] });
    // not_null counts against all rows, as GX does.
    expect(notNullMostly).toMatchObject({ elementCount: 10, unexpectedCount: 2, unexpectedPercent: 20 });
    expect(notNull!.success).toBe(false);
    expect(unique).toMatchObject({ unexpectedCount: 2, unexpectedExamples: [7] });
    expect(result.results[7]!.observed).toBe(12.5);
    expect(result.results[12]!.observed).toBeCloseTo(0.2, 12);
    expect(result.results[15]!.observed).toBe('DOUBLE');
    expect(result.results[16]!.observed).toBe(false);
  });

  it('reports what cannot be evaluated as a failure with an error, not a crash', () => {
    const suite: Suite = {
      name: 's',
      expectations: [
        { expect: 'not_null', column: 'ghost' },
        { expect: 'mean_between', column: 'status', min: 0 },
        { expect: 'between', column: 'status', min: 0, max: 1 },
        { expect: 'min_between', column: 'amount', min: 'a' },
      ],
    };
    const results = evaluateSuite(suite, facts).results;
    expect(results.every((r) => !r.success)).toBe(true);
    expect(results[0]!.error).toMatch(/column 'ghost' not found \(columns: id, amount, status, day\)/);
    expect(results[1]!.error).toMatch(/not a number column/);
    expect(results[2]!.error).toMatch(/do not apply to column 'status' of type VARCHAR/);
    expect(results[3]!.error).toMatch(/do not apply/);
  });

  it('passes row-level checks on no values (GX: vacuously true) and mostly at the exact fraction', () => {
    const empty: ValidationFacts = { rowCount: 0, schema: [{ name: 'a', type: 'INTEGER' }], columns: { a: { nonNull: 0 } }, unexpected: { e0: { count: 0, examples: [] } } };
    const r = evaluateSuite({ name: 'e', expectations: [{ expect: 'between', column: 'a', min: 0 }, { expect: 'not_null', column: 'a' }] }, empty);
    expect(r.success).toBe(true);
    const exact: ValidationFacts = { ...empty, rowCount: 4, columns: { a: { nonNull: 4 } }, unexpected: { e0: { count: 1, examples: [9] } } };
    expect(evaluateSuite({ name: 'm', expectations: [{ expect: 'between', column: 'a', max: 5, mostly: 0.75 }] }, exact).success).toBe(true);
    expect(evaluateSuite({ name: 'm', expectations: [{ expect: 'between', column: 'a', max: 5, mostly: 0.76 }] }, exact).success).toBe(false);
  });

  it('compares timestamps as DuckDB writes them with ISO bounds', () => {
    expect(withinBounds('2026-01-02 10:00:00', { min: '2026-01-02T09:00:00' })).toBe(true);
    expect(withinBounds('2026-01-02 10:00:00', { max: '2026-01-02T09:59:59' })).toBe(false);
    expect(withinBounds('2026-01-02', { min: '2026-01-02', strictMin: true })).toBe(false);
    expect(withinBounds(5, { min: 'a' })).toBe(false);
  });

  it('matches type words by family and DuckDB names exactly', () => {
    expect(typeMatches('BIGINT', 'int')).toBe(true);
    expect(typeMatches('DECIMAL(18,3)', 'number')).toBe(true);
    expect(typeMatches('DECIMAL(18,3)', 'integer')).toBe(false);
    expect(typeMatches('TIMESTAMP WITH TIME ZONE', 'datetime')).toBe(true);
    expect(typeMatches('VARCHAR', 'str')).toBe(true);
    expect(typeMatches('BIGINT', 'bigint')).toBe(true);
    expect(typeMatches('BIGINT', 'INTEGER')).toBe(false);
  });
});

describe('planFacts and runSuite', () => {
  it('asks for each column once with the aggregates its expectations need, and one query per row-level check', () => {
    const suite: Suite = {
      name: 'p',
      expectations: [
        { expect: 'unique', column: 'id' },
        { expect: 'regex', column: 'email', pattern: '[^@]+@[^@]+' },
        { expect: 'mean_between', column: 'amount', min: 0 },
        { expect: 'std_between', column: 'amount', max: 9 },
        { expect: 'row_count_between', min: 1 },
        { expect: 'in_set', column: 'id', values: [1, 2] },
      ],
    };
    expect(planFacts(suite, 5)).toEqual({
      columns: { id: ['duplicates'], email: [], amount: ['mean', 'std'] },
      conditions: [
        { id: 'e1', column: 'email', condition: { kind: 'regex', pattern: '[^@]+@[^@]+' } },
        { id: 'e5', column: 'id', condition: { kind: 'set', values: [1, 2] } },
      ],
      examples: 5,
    });
  });

  it('answers a plan from a source computed here over plain rows', async () => {
    const rows = [3, 5, null, 12, 5];
    const source = {
      async facts(plan: FactPlan): Promise<ValidationFacts> {
        const values = rows.filter((v): v is number => v !== null);
        const outside = values.filter((v) => v < 0 || v > 10);
        return {
          rowCount: rows.length,
          schema: [{ name: 'x', type: 'INTEGER' }],
          columns: { x: { nonNull: values.length, max: Math.max(...values) } },
          unexpected: Object.fromEntries(plan.conditions.map((q) => [q.id, { count: outside.length, examples: outside.slice(0, plan.examples) }])),
        };
      },
    };
    const result = await runSuite({ name: 'r', expectations: [{ expect: 'between', column: 'x', min: 0, max: 10 }, { expect: 'max_between', column: 'x', max: 12 }] }, source, 3);
    expect(result.results[0]).toMatchObject({ success: false, unexpectedCount: 1, elementCount: 4, unexpectedExamples: [12] });
    expect(result.results[1]).toMatchObject({ success: true, observed: 12 });
  });
});
