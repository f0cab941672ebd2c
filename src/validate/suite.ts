import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { invalidArgument, parseWith } from '../errors.js';
import { expectationKinds, type Expectation, type ExpectationKind, type Suite } from './types.js';

/** Great Expectations' names for the same checks, so a GX suite reads as it is. */
export const gxAliases: Record<string, ExpectationKind> = {
  expect_column_to_exist: 'column_exists',
  expect_column_values_to_not_be_null: 'not_null',
  expect_column_values_to_be_unique: 'unique',
  expect_column_values_to_be_between: 'between',
  expect_column_values_to_be_in_set: 'in_set',
  expect_column_values_to_match_regex: 'regex',
  expect_column_values_to_be_of_type: 'type',
  expect_column_values_to_be_in_type_list: 'type',
  expect_table_row_count_to_be_between: 'row_count_between',
  expect_column_mean_to_be_between: 'mean_between',
  expect_column_stdev_to_be_between: 'std_between',
  expect_column_min_to_be_between: 'min_between',
  expect_column_max_to_be_between: 'max_between',
  expect_column_unique_value_count_to_be_between: 'distinct_count_between',
  expect_table_column_count_to_equal: 'column_count_equal',
};

/** GX kwarg names → ours. */
const fieldAliases: Record<string, keyof Expectation> = {
  min_value: 'min',
  max_value: 'max',
  strict_min: 'strictMin',
  strict_max: 'strictMax',
  value_set: 'values',
  regex: 'pattern',
  type_: 'type',
  type_list: 'type',
};

/** Descriptive members GX suites carry; kept out of the check. */
const ignoredFields = new Set(['meta', 'notes', 'description', 'id', 'result_format', 'catch_exceptions', 'include_config', 'rendered_content']);

type Field = Exclude<keyof Expectation, 'expect'>;

/** What each kind needs (`needs`), needs at least one of (`oneOf`), and may also take. */
const shapes: Record<ExpectationKind, { needs: Field[]; oneOf?: Field[]; allows?: Field[] }> = {
  column_exists: { needs: ['column'] },
  not_null: { needs: ['column'], allows: ['mostly'] },
  unique: { needs: ['column'], allows: ['mostly'] },
  between: { needs: ['column'], oneOf: ['min', 'max'], allows: ['strictMin', 'strictMax', 'mostly'] },
  in_set: { needs: ['column', 'values'], allows: ['mostly'] },
  regex: { needs: ['column', 'pattern'], allows: ['mostly'] },
  type: { needs: ['column', 'type'] },
  row_count_between: { needs: [], oneOf: ['min', 'max'], allows: ['strictMin', 'strictMax'] },
  mean_between: { needs: ['column'], oneOf: ['min', 'max'], allows: ['strictMin', 'strictMax'] },
  std_between: { needs: ['column'], oneOf: ['min', 'max'], allows: ['strictMin', 'strictMax'] },
  min_between: { needs: ['column'], oneOf: ['min', 'max'], allows: ['strictMin', 'strictMax'] },
  max_between: { needs: ['column'], oneOf: ['min', 'max'], allows: ['strictMin', 'strictMax'] },
  distinct_count_between: { needs: ['column'], oneOf: ['min', 'max'], allows: ['strictMin', 'strictMax'] },
  null_fraction_at_most: { needs: ['column', 'max'] },
  column_count_equal: { needs: ['value'] },
};

/** Kinds whose bounds are counts or statistics, never text. */
const numericBounds = new Set<ExpectationKind>(['row_count_between', 'mean_between', 'std_between', 'distinct_count_between', 'null_fraction_at_most']);

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const bound = z.union([z.number().refine(Number.isFinite, 'must be a finite number'), z.string().min(1)]);
const fieldSchemas: Record<Field, z.ZodType> = {
  column: z.string().min(1, 'must not be empty'),
  min: bound,
  max: bound,
  strictMin: z.boolean(),
  strictMax: z.boolean(),
  values: z.array(scalar).min(1, 'must list at least one value'),
  pattern: z.string().min(1, 'must not be empty'),
  type: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  value: z.number().int('must be a whole number').nonnegative(),
  mostly: z.number().min(0, 'is a fraction from 0 to 1').max(1, 'is a fraction from 0 to 1'),
};

/** Reads a suite file's text: YAML, or JSON (which YAML reads too). `where` names it in errors. */
export function parseSuiteText(text: string, where = 'suite'): Suite {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw invalidArgument(`${where}: not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return normalizeSuite(doc, where);
}

/**
 * A suite in our shape `{name, expectations: [{expect, column, …}]}` or Great Expectations'
 * (`expectation_suite_name`, `expectations: [{expectation_type | type, kwargs}]`), checked and
 * normalised. A problem is one INVALID_ARGUMENT naming the expectation's position.
 */
export function normalizeSuite(doc: unknown, where = 'suite'): Suite {
  if (!isObject(doc)) throw invalidArgument(`${where}: expected an object with 'name' and 'expectations'`);
  const name = doc.name ?? doc.expectation_suite_name;
  if (typeof name !== 'string' || name.trim() === '') throw invalidArgument(`${where}: 'name' must be a non-empty string`);
  if (!Array.isArray(doc.expectations)) throw invalidArgument(`${where}: 'expectations' must be a list`);
  if (doc.expectations.length === 0) throw invalidArgument(`${where}: 'expectations' is empty`);
  const expectations = doc.expectations.map((raw, i) => normalizeExpectation(raw, `${where}: expectations[${i}] (expectation ${i + 1} of ${(doc.expectations as unknown[]).length})`));
  return { name: name.trim(), expectations };
}

function normalizeExpectation(raw: unknown, where: string): Expectation {
  if (!isObject(raw)) throw invalidArgument(`${where}: expected an object`);
  // GX form: the name in `expectation_type` (0.x) or `type` (1.x), the arguments in `kwargs`.
  const gx = isObject(raw.kwargs);
  const typeName = gx ? (raw.expectation_type ?? raw.type) : (raw.expect ?? raw.expectation_type);
  if (typeof typeName !== 'string' || typeName === '') throw invalidArgument(`${where}: needs 'expect' (the expectation type)`);
  const expect = (expectationKinds as readonly string[]).includes(typeName) ? (typeName as ExpectationKind) : gxAliases[typeName];
  if (!expect) throw invalidArgument(`${where}: unknown expectation type '${typeName}' (known: ${expectationKinds.join(', ')}, or their Great Expectations names)`, { expectation: typeName });

  const args: Record<string, unknown> = gx ? { ...(raw.kwargs as Record<string, unknown>) } : { ...raw };
  if (!gx) delete args.expect;
  if (!gx && 'expectation_type' in args) delete args.expectation_type;
  if (gx && raw.meta !== undefined) args.meta = raw.meta;
  const out: Expectation = { expect };
  const shape = shapes[expect];
  const allowed = new Set<Field>([...shape.needs, ...(shape.oneOf ?? []), ...(shape.allows ?? [])]);
  for (const [key, value] of Object.entries(args)) {
    if (ignoredFields.has(key) || value === undefined) continue;
    const field = (fieldAliases[key] ?? key) as Field;
    if (!(field in fieldSchemas)) throw invalidArgument(`${where} (${expect}): unknown field '${key}'`);
    if (!allowed.has(field)) throw invalidArgument(`${where} (${expect}): '${key}' does not apply (takes ${[...allowed].join(', ')})`);
    // GX writes unset bounds as null.
    if (value === null && (field === 'min' || field === 'max')) continue;
    (out as unknown as Record<string, unknown>)[field] = parseWith(fieldSchemas[field], value, `${where} (${expect}): '${key}'`);
  }
  for (const field of shape.needs) {
    if (out[field] === undefined) throw invalidArgument(`${where} (${expect}): needs '${field}'`);
  }
  if (shape.oneOf && shape.oneOf.every((field) => out[field] === undefined)) {
    throw invalidArgument(`${where} (${expect}): needs ${shape.oneOf.map((f) => `'${f}'`).join(' or ')}`);
  }
  if (numericBounds.has(expect) && [out.min, out.max].some((b) => b !== undefined && typeof b !== 'number')) {
    throw invalidArgument(`${where} (${expect}): bounds must be numbers`);
  }
  if (expect === 'null_fraction_at_most' && ((out.max as number) < 0 || (out.max as number) > 1)) {
    throw invalidArgument(`${where} (${expect}): 'max' is a fraction from 0 to 1`);
  }
  if (typeof out.min === 'number' && typeof out.max === 'number' && out.min > out.max) {
    throw invalidArgument(`${where} (${expect}): min ${out.min} is above max ${out.max}`);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
