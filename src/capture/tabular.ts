import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, LIST, listValue, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { invalidArgument } from '../errors.js';
import type { ColumnSchema } from './types.js';

export type TabularFormat = 'csv' | 'jsonl' | 'parquet';

const suffixes: [RegExp, TabularFormat][] = [
  [/\.(csv|tsv)(\.gz|\.zst)?$/i, 'csv'],
  [/\.(jsonl|ndjson)(\.gz|\.zst)?$/i, 'jsonl'],
  [/\.parquet$/i, 'parquet'],
];

export function tabularFormatOf(filePath: string): TabularFormat | null {
  return suffixes.find(([pattern]) => pattern.test(filePath))?.[1] ?? null;
}

/** `$1` is a file name or a list of them, always bound as a parameter, never spliced into SQL. */
export const readers: Record<TabularFormat, (union: boolean) => string> = {
  csv: (union) => `read_csv_auto($1${union ? ', union_by_name = true' : ''})`,
  jsonl: (union) => `read_json_auto($1, format = 'newline_delimited'${union ? ', union_by_name = true' : ''})`,
  parquet: (union) => `read_parquet($1${union ? ', union_by_name = true' : ''})`,
};

export interface TabularSummary {
  rowCount: number;
  /** One file: its schema. Several: the union by column name, types widened by DuckDB. */
  schema: ColumnSchema[];
}

/**
 * Row count and schema of same-format files, read by DuckDB (counted in DuckDB, never loaded
 * into JS). A file DuckDB cannot read is an INVALID_ARGUMENT naming that file.
 */
export async function summarizeTabular(files: string[], format: TabularFormat): Promise<TabularSummary> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  const links = await safeNames(files);
  try {
    let rowCount = 0;
    const schemas: ColumnSchema[][] = [];
    for (const [i, file] of files.entries()) {
      const name = links.names[i]!;
      try {
        rowCount += await countRows(connection, readers[format](false), name);
        schemas.push(await describe(connection, readers[format](false), name));
      } catch (error) {
        throw invalidArgument(`cannot read ${file} as ${format}: ${firstLine(error)}`, { path: file, format });
      }
    }
    const same = schemas.every((s) => JSON.stringify(s) === JSON.stringify(schemas[0]));
    const schema = same ? schemas[0]! : await unionSchema(connection, format, links.names, files);
    return { rowCount, schema };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await links.cleanup();
  }
}

async function countRows(connection: DuckDBConnection, reader: string, file: string): Promise<number> {
  const result = await connection.runAndReadAll(`SELECT count(*) AS n FROM ${reader}`, [file]);
  return Number(result.getRowObjectsJS()[0]?.n ?? 0);
}

async function describe(connection: DuckDBConnection, reader: string, file: string): Promise<ColumnSchema[]> {
  const result = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${reader}`, [file]);
  return result.getRowObjectsJS().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
}

async function unionSchema(
  connection: DuckDBConnection,
  format: TabularFormat,
  names: string[],
  files: string[],
): Promise<ColumnSchema[]> {
  try {
    const sql = `DESCRIBE SELECT * FROM ${readers[format](true)}`;
    const result = await connection.runAndReadAll(sql, [listValue(names)], [LIST(VARCHAR)]);
    return result.getRowObjectsJS().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
  } catch (error) {
    throw invalidArgument(`cannot combine the schemas of ${files.length} ${format} files: ${firstLine(error)}`, {
      format,
    });
  }
}

/**
 * DuckDB expands `*`, `?` and `[` in file names as globs even when bound as parameters, so
 * `x[1].csv` would read `x1.csv`. Such files are read through a plain-named symlink instead.
 */
export async function safeNames(files: string[]): Promise<{ names: string[]; cleanup: () => Promise<void> }> {
  let tmp: string | null = null;
  const names: string[] = [];
  for (const [i, file] of files.entries()) {
    if (!/[*?[{\\]/.test(file)) {
      names.push(file);
      continue;
    }
    tmp ??= await fs.mkdtemp(path.join(os.tmpdir(), 'threadline-data-'));
    // Keep the suffix: DuckDB picks compression (`.gz`) from it.
    const suffix = /(\.[A-Za-z0-9]+)+$/.exec(path.basename(file))?.[0] ?? '';
    const link = path.join(tmp, `${i}${suffix}`);
    await fs.symlink(file, link);
    names.push(link);
  }
  const dir = tmp;
  return { names, cleanup: async () => (dir ? fs.rm(dir, { recursive: true, force: true }) : undefined) };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}
