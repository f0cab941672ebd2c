import { DuckDBInstance } from '@duckdb/node-api';

/** `x.csv` → `x.parquet` beside it, written by DuckDB itself (COPY … TO … (FORMAT parquet)). */
export async function csvToParquet(csv: string): Promise<string> {
  const out = csv.replace(/\.csv$/, '.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (SELECT * FROM read_csv_auto('${csv}')) TO '${out}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  return out;
}
