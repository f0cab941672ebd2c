import type { Bound, Scalar } from './types.js';

/**
 * What evaluation asks a data engine for, and what the engine answers. The engine (DuckDB in
 * src/validate/duckdb-facts.ts) computes every answer in SQL, so evaluation stays pure and no
 * row ever reaches JavaScript except the few unexpected examples.
 */

/** A per-value check; the engine counts the non-null values that FAIL it. */
export type Condition =
  | { kind: 'range'; min?: Bound; max?: Bound; strictMin?: boolean; strictMax?: boolean }
  | { kind: 'set'; values: Scalar[] }
  | { kind: 'regex'; pattern: string };

export interface ConditionQuery {
  /** Key of the answer in `ValidationFacts.unexpected`. */
  id: string;
  column: string;
  condition: Condition;
}

/** Aggregates beyond the count of non-null values, which every named column gets. */
export type ColumnAggregate = 'distinct' | 'min' | 'max' | 'mean' | 'std' | 'duplicates';

export interface FactPlan {
  /** Each column the suite names, with the aggregates its expectations need. */
  columns: Record<string, ColumnAggregate[]>;
  conditions: ConditionQuery[];
  /** How many distinct unexpected values to bring back per check. */
  examples: number;
}

export interface UnexpectedFacts {
  count: number;
  examples: Scalar[];
}

export interface ColumnFacts {
  nonNull: number;
  distinct?: number;
  /** Numbers for numeric columns, text (DuckDB's rendering) for the others. */
  min?: Scalar;
  max?: Scalar;
  /** Only for numeric columns; null when there is no value. */
  mean?: number | null;
  /** Sample standard deviation (n − 1), as GX and pandas; null below two values. */
  std?: number | null;
  /** Non-null rows whose value occurs more than once (GX's `unique` counts every such row). */
  duplicates?: UnexpectedFacts;
}

export interface ValidationFacts {
  rowCount: number;
  /** Observed columns and their DuckDB types, in file order. */
  schema: { name: string; type: string }[];
  /** Only columns that exist; a column the suite names but the data lacks is absent. */
  columns: Record<string, ColumnFacts>;
  /** By ConditionQuery id; absent when the check does not apply to the column's type. */
  unexpected: Record<string, UnexpectedFacts>;
}

/** Anything that can answer a plan: the DuckDB engine, or a test's hand-made facts. */
export interface FactSource {
  facts(plan: FactPlan): Promise<ValidationFacts>;
}

export type TypeFamily = 'integer' | 'float' | 'string' | 'boolean' | 'date' | 'timestamp' | 'time' | 'other';

/** The family of a DuckDB type name (`BIGINT`, `DECIMAL(18,3)`, `TIMESTAMP WITH TIME ZONE`…). */
export function typeFamily(duckType: string): TypeFamily {
  const t = duckType.toUpperCase().trim();
  if (/^(U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|U?HUGEINT|INT\d*|UINT\d*)$/.test(t)) return 'integer';
  if (/^(FLOAT|REAL|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?|NUMERIC.*|FLOAT\d)$/.test(t)) return 'float';
  if (/^(VARCHAR|TEXT|STRING|CHAR|BPCHAR)(\(\d+\))?$/.test(t)) return 'string';
  if (t === 'BOOLEAN' || t === 'BOOL') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  if (t.startsWith('TIME')) return 'time';
  return 'other';
}

export const isNumeric = (duckType: string): boolean => ['integer', 'float'].includes(typeFamily(duckType));

/**
 * Whether a range check with these bounds applies to a column of this type: numeric bounds to
 * numeric columns; text bounds to dates, timestamps, times (read in the column's type) and text.
 */
export function rangeFits(duckType: string, bounds: (Bound | undefined)[]): boolean {
  const given = bounds.filter((b) => b !== undefined);
  const family = typeFamily(duckType);
  if (given.every((b) => typeof b === 'number')) return family === 'integer' || family === 'float';
  if (given.every((b) => typeof b === 'string')) return ['string', 'date', 'timestamp', 'time'].includes(family);
  return false;
}
