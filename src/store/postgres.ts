import pg from 'pg';
import { PostgresDialect } from 'kysely';
import { invalidArgument } from '../errors.js';

// bigint (int8) columns hold epoch milliseconds and sizes: all well inside 2^53, so read numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => Number(value));

const defaultPoolSize = 10;

/**
 * A pool that survives the database going away: a restart or failover ends every connection
 * with an 'error' event (57P01 admin shutdown), which without a listener kills the process.
 * Here the lost connections are dropped and the queries on them fail as UNAVAILABLE (see
 * unavailable-driver.ts); the next query connects afresh once the server is back.
 */
export interface PostgresOptions {
  /** Ends any statement running longer (PostgreSQL's statement_timeout); 0 or absent: none. */
  statementTimeoutMs?: number;
}

export function postgresDialect(url: string, env: NodeJS.ProcessEnv = process.env, options: PostgresOptions = {}): { dialect: PostgresDialect; pool: pg.Pool } {
  const { connectionString, poolSize } = poolSettings(url, env);
  const timeout = options.statementTimeoutMs;
  const pool = new pg.Pool({ connectionString, max: poolSize, connectionTimeoutMillis: 10_000, keepAlive: true, ...(timeout && timeout > 0 && { statement_timeout: timeout }) });
  // An idle connection lost: pg-pool removes it and reports here. Nothing to do but note it.
  pool.on('error', (error) => process.emitWarning(`PostgreSQL connection lost: ${error.message}`, { code: 'THREADLINE_PG' }));
  // A checked-out connection lost between queries reports on the client: its queries fail anyway.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return { dialect: new PostgresDialect({ pool }), pool };
}

/** The pool size: `?pool_size=N` on the URL (removed before pg sees it), else THREADLINE_DB_POOL_SIZE, else 10. */
export function poolSettings(url: string, env: NodeJS.ProcessEnv): { connectionString: string; poolSize: number } {
  const parsed = new URL(url);
  const fromUrl = parsed.searchParams.get('pool_size');
  parsed.searchParams.delete('pool_size');
  const raw = fromUrl ?? env.THREADLINE_DB_POOL_SIZE;
  const poolSize = raw === undefined || raw === '' ? defaultPoolSize : Number(raw);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) throw invalidArgument(`PostgreSQL pool size must be 1-1000, got '${raw}'`);
  return { connectionString: fromUrl === null ? url : parsed.toString(), poolSize };
}
