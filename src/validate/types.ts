/** Expectation suites (Great Expectations style) and their results. Pure data, no I/O. */
import type { DataVersion } from '../capture/types.js';

export const expectationKinds = [
  'column_exists',
  'not_null',
  'unique',
  'between',
  'in_set',
  'regex',
  'type',
  'row_count_between',
  'mean_between',
  'std_between',
  'min_between',
  'max_between',
  'distinct_count_between',
  'null_fraction_at_most',
  'column_count_equal',
] as const;
export type ExpectationKind = (typeof expectationKinds)[number];

/** A bound: a number, or (for dates, timestamps and strings) text compared in the column's type. */
export type Bound = number | string;
export type Scalar = string | number | boolean | null;

/** One expectation, normalised: GX names and kwargs already mapped to these. */
export interface Expectation {
  expect: ExpectationKind;
  column?: string;
  min?: Bound;
  max?: Bound;
  /** Bounds are inclusive unless these say otherwise (GX `strict_min` / `strict_max`). */
  strictMin?: boolean;
  strictMax?: boolean;
  /** in_set: the allowed values. */
  values?: Scalar[];
  /** regex: the whole value must match (DuckDB `regexp_full_match`, RE2 syntax). */
  pattern?: string;
  /** type: one type or several accepted ones (`integer`, `number`, `string`, or a DuckDB type name). */
  type?: string | string[];
  /** column_count_equal: the number of columns. */
  value?: number;
  /** Row-level expectations pass when at least this fraction of the values is as expected (GX `mostly`). */
  mostly?: number;
}

export interface Suite {
  name: string;
  expectations: Expectation[];
}

/** A value of the data as it is reported back in examples and observed values. */
export type Observed = Scalar | Scalar[];

export interface ExpectationResult {
  /** Position in the suite, from 0. */
  index: number;
  expect: ExpectationKind;
  column: string | null;
  /** One line a person reads: "amount between 0 and 100 (mostly 0.95)". */
  description: string;
  success: boolean;
  /** The aggregate the expectation is about (row count, mean, column type…), or the fraction of unexpected values. */
  observed: Observed;
  /** Row-level expectations: how many values were checked, how many were not as expected. */
  elementCount: number | null;
  unexpectedCount: number | null;
  /** 0–100, of the non-null values (of all rows for not_null), as GX's `unexpected_percent`. */
  unexpectedPercent: number | null;
  /** Up to the requested number of distinct unexpected values, the most frequent first (DuckDB's approx_top_k). */
  unexpectedExamples: Scalar[];
  /** Why the expectation could not be evaluated (missing column, mean of a text column…). */
  error: string | null;
}

export interface SuiteResult {
  suite: string;
  success: boolean;
  rowCount: number;
  evaluated: number;
  passed: number;
  failed: number;
  results: ExpectationResult[];
}

/** What a client sends to be recorded: the data version it checked, the suite, the result. */
export interface RecordValidationInput {
  data: DataVersion;
  suiteName: string;
  /** `sha256:` of the normalised suite's canonical JSON. */
  suiteDigest: string;
  result: SuiteResult;
}

/** A recorded validation. */
export interface Validation {
  /** UUIDv7. */
  id: string;
  dataDigest: string;
  dataUri: string;
  suiteName: string;
  suiteDigest: string;
  success: boolean;
  evaluated: number;
  failed: number;
  results: ExpectationResult[];
  time: number;
  /** The event recorded with it (`validation_passed` / `validation_failed`), when recorded here. */
  eventId?: string | null;
}

export interface ListValidationsQuery {
  /** A data version digest. */
  data?: string;
  suite?: string;
  limit?: number;
}
