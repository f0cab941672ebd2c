import pg from 'pg';
import { PostgresDialect } from 'kysely';
import { invalidArgument } from '../errors.js';
import { currentSignal } from './query-scope.js';

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
  pool.on('connect', (client) => {
    // A checked-out connection lost between queries reports on the client: its queries fail anyway.
    client.on('error', () => undefined);
    cancelWhenUnwanted(client, connectionString);
  });
  return { dialect: new PostgresDialect({ pool }), pool };
}

/**
 * A query issued for work whose signal aborts (its HTTP client went away) is cancelled on the
 * server with pg_cancel_backend, over a connection of its own: the pool may be full of exactly
 * such queries. PostgreSQL answers the cancelled query with 57014, which the caller, gone, never sees.
 */
function cancelWhenUnwanted(client: pg.PoolClient & { processID?: number | null }, connectionString: string): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const signal = currentSignal();
    const running = query(...args);
    if (!signal || !(running instanceof Promise)) return running;
    let settled = false;
    const onAbort = () => void cancelBackend(connectionString, client.processID, () => settled);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return running.finally(() => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
    });
  };
}

/** `settled`: checked once connected, so that a query that ended meanwhile (its backend maybe serving another) is left alone. */
async function cancelBackend(connectionString: string, pid: number | null | undefined, settled: () => boolean): Promise<void> {
  if (!pid) return;
  const canceller = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  canceller.on('error', () => undefined);
  try {
    await canceller.connect();
    if (!settled()) await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // The database is away or the query already ended: nothing left to cancel.
  } finally {
    await canceller.end().catch(() => undefined);
  }
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
