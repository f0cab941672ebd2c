import pg from 'pg';
import { PostgresDialect } from 'kysely';

// bigint (int8) columns hold epoch milliseconds and sizes: all well inside 2^53, so read numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => Number(value));

export interface PostgresOptions {
  /** Ends any statement running longer (PostgreSQL's statement_timeout); 0 or absent: none. */
  statementTimeoutMs?: number;
}

export function postgresDialect(url: string, options: PostgresOptions = {}): { dialect: PostgresDialect; pool: pg.Pool } {
  const timeout = options.statementTimeoutMs;
  const pool = new pg.Pool({ connectionString: url, max: 10, ...(timeout && timeout > 0 && { statement_timeout: timeout }) });
  return { dialect: new PostgresDialect({ pool }), pool };
}
