import pg from 'pg';
import { PostgresDialect } from 'kysely';

// bigint (int8) columns hold epoch milliseconds and sizes: all well inside 2^53, so read numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => Number(value));

export function postgresDialect(url: string): { dialect: PostgresDialect; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return { dialect: new PostgresDialect({ pool }), pool };
}
