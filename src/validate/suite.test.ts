import { describe, expect, it } from 'vitest';
import { normalizeSuite, parseSuiteText } from './suite.js';

describe('suite parsing', () => {
  it('reads our YAML shape and maps GX kwarg names', () => {
    const suite = parseSuiteText(`
name: orders
expectations:
  - expect: not_null
    column: order_id
  - expect: between
    column: amount
    min_value: 0
    max: 100
    strict_min: true
    mostly: 0.95
  - expect: in_set
    column: status
    value_set: [new, paid, null]
  - expect: column_count_equal
    value: 4
`);
    expect(suite).toEqual({
      name: 'orders',
      expectations: [
        { expect: 'not_null', column: 'order_id' },
        { expect: 'between', column: 'amount', min: 0, max: 100, strictMin: true, mostly: 0.95 },
        { expect: 'in_set', column: 'status', values: ['new', 'paid', null] },
        { expect: 'column_count_equal', value: 4 },
      ],
    });
  });

  it("reads a Great Expectations suite (JSON, expectation_type/type + kwargs, null bounds, meta)", () => {
    const suite = parseSuiteText(
      JSON.stringify({
        expectation_suite_name: 'gx',
        expectations: [
          { expectation_type: 'expect_column_values_to_not_be_null', kwargs: { column: 'a', mostly: 0.9 }, meta: { notes: 'x' } },
          { type: 'expect_column_values_to_be_between', kwargs: { column: 'b', min_value: null, max_value: 3 } },
          { expect: 'expect_table_row_count_to_be_between', min_value: 1 },
          { type: 'expect_column_values_to_be_in_type_list', kwargs: { column: 'c', type_list: ['INTEGER', 'BIGINT'] } },
        ],
      }),
    );
    expect(suite.name).toBe('gx');
    expect(suite.expectations).toEqual([
      { expect: 'not_null', column: 'a', mostly: 0.9 },
      { expect: 'between', column: 'b', max: 3 },
      { expect: 'row_count_between', min: 1 },
      { expect: 'type', column: 'c', type: ['INTEGER', 'BIGINT'] },
    ]);
  });

  it('names an unknown expectation type and its position', () => {
    const doc = { name: 's', expectations: [{ expect: 'not_null', column: 'a' }, { expect: 'expect_moon_to_be_full', column: 'a' }] };
    expect(() => normalizeSuite(doc, 'suite.yaml')).toThrow(/suite\.yaml: expectations\[1\] \(expectation 2 of 2\): unknown expectation type 'expect_moon_to_be_full'/);
    try {
      normalizeSuite(doc);
    } catch (error) {
      expect((error as { code: string }).code).toBe('INVALID_ARGUMENT');
    }
  });

  it.each([
    [{ expect: 'between', column: 'a' }, /needs 'min' or 'max'/],
    [{ expect: 'in_set', column: 'a' }, /needs 'values'/],
    [{ expect: 'not_null' }, /needs 'column'/],
    [{ expect: 'not_null', column: 'a', colum: 'b' }, /unknown field 'colum'/],
    [{ expect: 'type', column: 'a', type: 'int', mostly: 0.5 }, /'mostly' does not apply/],
    [{ expect: 'between', column: 'a', min: 5, max: 1 }, /min 5 is above max 1/],
    [{ expect: 'not_null', column: 'a', mostly: 1.5 }, /'mostly': .*fraction/],
    [{ expect: 'row_count_between', min: 'ten' }, /bounds must be numbers/],
    [{ expect: 'null_fraction_at_most', column: 'a', max: 2 }, /fraction from 0 to 1/],
    [{ expect: 'column_count_equal', value: 2.5 }, /whole number/],
  ])('rejects %j', (expectation, message) => {
    expect(() => normalizeSuite({ name: 's', expectations: [expectation] })).toThrow(message);
  });

  it('rejects text that is not a suite', () => {
    expect(() => parseSuiteText('{ not: [yaml')).toThrow(/not YAML or JSON/);
    expect(() => parseSuiteText('- a\n- b')).toThrow(/expected an object/);
    expect(() => parseSuiteText('name: x\nexpectations: []')).toThrow(/'expectations' is empty/);
    expect(() => parseSuiteText('expectations: [{expect: not_null, column: a}]')).toThrow(/'name' must be/);
  });
});
