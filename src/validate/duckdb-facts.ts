/**
 * The facts an expectation suite asks for (src/validate/facts.ts), computed by DuckDB over CSV,
 * Parquet or JSONL files. One aggregate scan answers every count, null count, distinct count,
 * min/max/mean/std, every "values failing a check" count and their most frequent examples; only
 * a unique column that has repeats gets one more grouped query. Rows are never brought into
 * JavaScript.
 */
import fs from 'node:fs/promises';
import { DOUBLE, DuckDBInstance, LIST, listValue, VARCHAR, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { invalidArgument, isThreadlineError } from '../errors.js';
import { isNumeric, typeFamily, rangeFits, type ColumnFacts, type Condition, type ConditionQuery, type FactPlan, type FactSource, type UnexpectedFacts, type ValidationFacts } from './facts.js';
import type { Scalar } from './types.js';
import { resolveData } from '../capture/data-files.js';
import { withQueryProgress } from '../capture/duckdb-progress.js';
import { readers, safeNames, tabularFormatOf, type TabularFormat } from '../capture/tabular.js';

/** Same-format tabular files read as one table (union by column name when several). */
export interface TabularSource {
  /** What the user named (for messages). */
  label: string;
  files: string[];
  format: TabularFormat;
}

/**
 * The tabular files under a path, folder or glob. Not tabular, mixed formats, or only empty
 * files: INVALID_ARGUMENT, as is a path that does not exist (the data argument is bad input).
 */
export async function tabularSource(pathOrGlob: string, cwd = process.cwd()): Promise<TabularSource> {
  let found;
  try {
    found = await resolveData(pathOrGlob, cwd);
  } catch (error) {
    if (isThreadlineError(error) && error.code === 'NOT_FOUND') throw invalidArgument(`no data at ${pathOrGlob}: ${error.message}`, { path: pathOrGlob });
    throw error;
  }
  const byFormat = new Map<TabularFormat, string[]>();
  for (const file of found.files) {
    const format = tabularFormatOf(file.path);
    if (format) byFormat.set(format, [...(byFormat.get(format) ?? []), file.absPath]);
  }
  if (byFormat.size === 0) throw invalidArgument(`${pathOrGlob}: no CSV, Parquet or JSONL files to validate (by suffix: .csv, .tsv, .parquet, .jsonl, .ndjson)`, { path: pathOrGlob });
  if (byFormat.size > 1) throw invalidArgument(`${pathOrGlob}: mixes ${[...byFormat.keys()].join(' and ')} files; validate one format at a time`, { path: pathOrGlob });
  const [[format, all]] = [...byFormat.entries()] as [[TabularFormat, string[]]];
  const sizes = await Promise.all(all.map(async (f) => (await fs.stat(f)).size));
  const files = all.filter((_, i) => sizes[i]! > 0);
  if (files.length === 0) throw invalidArgument(`${pathOrGlob}: ${all.length === 1 ? 'the file is empty' : `all ${all.length} files are empty`} (no header, no rows)`, { path: pathOrGlob });
  return { label: pathOrGlob, files, format };
}

export function duckdbFactSource(source: TabularSource): FactSource {
  return { facts: (plan) => computeValidationFacts(source, plan) };
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Parameters after `$1` (the file or list of files), with their DuckDB types. */
class Params {
  readonly values: DuckDBValue[];
  readonly types: (DuckDBType | undefined)[];
  constructor(first: DuckDBValue, firstType?: DuckDBType) {
    this.values = [first];
    this.types = [firstType];
  }
  add(value: DuckDBValue, type?: DuckDBType): string {
    this.values.push(value);
    this.types.push(type);
    return `$${this.values.length}`;
  }
}

export async function computeValidationFacts(source: TabularSource, plan: FactPlan): Promise<ValidationFacts> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  const links = await safeNames(source.files);
  try {
    const several = source.files.length > 1;
    const from = readers[source.format](several);
    const fileParam: [DuckDBValue, DuckDBType | undefined] = several ? [listValue(links.names), LIST(VARCHAR)] : [links.names[0]!, undefined];
    const run = async (sql: string, params: Params) => {
      const types = params.types.every((t) => t === undefined) ? undefined : (params.types as DuckDBType[]);
      return (await connection.runAndReadAll(sql, params.values, types)).getRowObjectsJS();
    };
    const readError = (error: unknown) =>
      invalidArgument(`cannot read ${source.label} as ${source.format}: ${firstLine(error)}`, { path: source.label, format: source.format });

    let schema: { name: string; type: string }[];
    try {
      const rows = await run(`DESCRIBE SELECT * FROM ${from}`, new Params(...fileParam));
      schema = rows.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
    } catch (error) {
      throw readError(error);
    }
    const typeOf = new Map(schema.map((c) => [c.name, c.type]));

    // The one scan: every aggregate and every check's failure count.
    const params = new Params(...fileParam);
    const selects = ['count(*)::BIGINT AS "rows"'];
    const columns = Object.entries(plan.columns).filter(([name]) => typeOf.has(name));
    columns.forEach(([name, aggregates], i) => {
      const c = quote(name);
      const numeric = isNumeric(typeOf.get(name)!);
      selects.push(`count(${c})::BIGINT AS "c${i}_n"`);
      if (aggregates.includes('distinct') || aggregates.includes('duplicates')) selects.push(`count(DISTINCT ${c})::BIGINT AS "c${i}_d"`);
      for (const fn of ['min', 'max'] as const) {
        if (aggregates.includes(fn)) selects.push(numeric ? `${fn}(${c})::DOUBLE AS "c${i}_${fn}"` : `${fn}(${c})::VARCHAR AS "c${i}_${fn}"`);
      }
      if (numeric && aggregates.includes('mean')) selects.push(`avg(${c}::DOUBLE) AS "c${i}_mean"`);
      if (numeric && aggregates.includes('std')) selects.push(`stddev_samp(${c}::DOUBLE) AS "c${i}_std"`);
    });
    const checks: ConditionQuery[] = [];
    for (const query of plan.conditions) {
      const type = typeOf.get(query.column);
      if (type === undefined) continue;
      await checkArguments(connection, query, type);
      const failing = failingSql(quote(query.column), type, query.condition, params);
      if (failing === null) continue;
      selects.push(`count(*) FILTER (WHERE ${failing})::BIGINT AS "q${checks.length}"`);
      // Examples in the same scan: DuckDB's bounded-memory sketch of the most frequent failing values.
      if (plan.examples > 0) {
        const again = failingSql(quote(query.column), type, query.condition, params)!;
        selects.push(`approx_top_k(${exampleValue(quote(query.column), type)}, ${plan.examples}) FILTER (WHERE ${again}) AS "x${checks.length}"`);
      }
      checks.push(query);
    }
    let totals: Record<string, unknown>;
    try {
      totals = (await withQueryProgress(connection, `validating ${source.label}`, () => run(`SELECT ${selects.join(', ')} FROM ${from}`, params)))[0]!;
    } catch (error) {
      throw readError(error);
    }

    const facts: ValidationFacts = { rowCount: Number(totals.rows), schema, columns: {}, unexpected: {} };
    for (const [i, [name, aggregates]] of columns.entries()) {
      const column: ColumnFacts = { nonNull: Number(totals[`c${i}_n`]) };
      if (aggregates.includes('distinct')) column.distinct = Number(totals[`c${i}_d`]);
      for (const key of ['min', 'max', 'mean', 'std'] as const) {
        if (`c${i}_${key}` in totals) (column as unknown as Record<string, unknown>)[key] = toScalar(totals[`c${i}_${key}`]);
      }
      if (aggregates.includes('duplicates')) {
        const repeats = column.nonNull - Number(totals[`c${i}_d`]);
        column.duplicates = repeats === 0 ? { count: 0, examples: [] } : await duplicates(name, typeOf.get(name)!, plan.examples);
      }
      facts.columns[name] = column;
    }
    for (const [i, query] of checks.entries()) {
      const count = Number(totals[`q${i}`]);
      const examples = count === 0 || plan.examples === 0 ? [] : ((totals[`x${i}`] as unknown[] | null) ?? []);
      facts.unexpected[query.id] = { count, examples: examples.map(toScalar) };
    }
    return facts;

    /** Rows whose value repeats (all of them, as GX counts), and the most repeated values. */
    async function duplicates(name: string, type: string, limit: number): Promise<UnexpectedFacts> {
      const c = quote(name);
      const rows = await run(
        `SELECT v, n, sum(n) OVER ()::BIGINT AS total FROM (SELECT ${exampleValue(c, type)} AS v, count(*) AS n FROM ${from} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING count(*) > 1) ORDER BY n DESC, v LIMIT ${Math.max(limit, 1)}`,
        new Params(...fileParam),
      );
      return { count: Number(rows[0]?.total ?? 0), examples: rows.slice(0, limit).map((r) => toScalar(r.v)) };
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
    await links.cleanup();
  }
}

/**
 * SQL true for a non-null value that FAILS the condition, its arguments bound in `params`; null
 * when the condition does not apply to the column's type (evaluation reports that).
 */
function failingSql(c: string, type: string, condition: Condition, params: Params): string | null {
  const bind = (value: DuckDBValue, t?: DuckDBType) => params.add(value, t);
  const family = typeFamily(type);
  if (condition.kind === 'range') {
    if (!rangeFits(type, [condition.min, condition.max])) return null;
    const cast = (b: number | string) => (typeof b === 'number' ? `${bind(b, DOUBLE)}` : `CAST(${bind(b, VARCHAR)} AS ${castTarget(type)})`);
    const outside: string[] = [];
    if (condition.min !== undefined) outside.push(`${c} ${condition.strictMin ? '<=' : '<'} ${cast(condition.min)}`);
    if (condition.max !== undefined) outside.push(`${c} ${condition.strictMax ? '>=' : '>'} ${cast(condition.max)}`);
    return `${c} IS NOT NULL AND (${outside.join(' OR ')})`;
  }
  if (condition.kind === 'set') {
    const given = condition.values.filter((v) => v !== null);
    if (family === 'integer' || family === 'float') {
      // Numbers compare as numbers (1 = 1.0); text that is not a number can never match.
      const numbers = given.map((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v)).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      return `${c} IS NOT NULL AND NOT list_contains(${bind(listValue(numbers), LIST(DOUBLE))}, ${c}::DOUBLE)`;
    }
    const texts = given.map((v) => (family === 'boolean' ? String(v).toLowerCase() : String(v)));
    return `${c} IS NOT NULL AND NOT list_contains(${bind(listValue(texts), LIST(VARCHAR))}, ${c}::VARCHAR)`;
  }
  return `${c} IS NOT NULL AND NOT regexp_full_match(${c}::VARCHAR, ${bind(condition.pattern, VARCHAR)})`;
}

/** The type a text bound is read as: the column's own temporal type, or text. */
function castTarget(type: string): string {
  const family = typeFamily(type);
  if (family === 'date') return 'DATE';
  if (family === 'time') return 'TIME';
  if (family === 'timestamp') return /WITH TIME ZONE|TZ/i.test(type) ? 'TIMESTAMPTZ' : 'TIMESTAMP';
  return 'VARCHAR';
}

/** Bad regexes and bounds that are not dates are the suite's fault: say which expectation. */
async function checkArguments(connection: DuckDBConnection, query: ConditionQuery, type: string): Promise<void> {
  const where = `expectations[${query.id.slice(1)}] (column '${query.column}')`;
  const condition = query.condition;
  if (condition.kind === 'regex') {
    try {
      await connection.runAndReadAll('SELECT regexp_full_match(\'\', $1)', [condition.pattern], [VARCHAR]);
    } catch (error) {
      throw invalidArgument(`${where}: pattern /${condition.pattern}/ is not a valid regular expression: ${firstLine(error)}`);
    }
  }
  if (condition.kind === 'range' && rangeFits(type, [condition.min, condition.max])) {
    for (const bound of [condition.min, condition.max]) {
      if (typeof bound !== 'string' || castTarget(type) === 'VARCHAR') continue;
      const rows = (await connection.runAndReadAll(`SELECT TRY_CAST($1 AS ${castTarget(type)}) IS NULL AS bad`, [bound], [VARCHAR])).getRowObjectsJS();
      if (rows[0]?.bad) throw invalidArgument(`${where}: bound '${bound}' is not a ${castTarget(type)}`);
    }
  }
}

/** Examples come back as numbers, booleans or DuckDB's text for everything else. */
function exampleValue(c: string, type: string): string {
  if (isNumeric(type)) return `${c}::DOUBLE`;
  if (typeFamily(type) === 'boolean') return c;
  return `${c}::VARCHAR`;
}

function toScalar(value: unknown): Scalar {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return String(value);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}
