import { Kysely, Migrator, sql } from 'kysely';
import type SQLite from 'better-sqlite3';
import { isThreadlineError, ThreadlineError, unavailable } from '../errors.js';
import { describePostgresUrl, parseDatabaseUrl } from './database-url.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import { sqliteDialect } from './sqlite.js';
import { withUnavailableErrors } from './unavailable-driver.js';

export type DialectName = 'sqlite' | 'postgres';

/** The one database handle, with what differs between back ends said as capabilities. */
export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The raw better-sqlite3 handle on SQLite, for the few hot paths that prepare statements. */
  sqlite?: SQLite.Database;
  /** A cheap round trip (`SELECT 1`), for readiness probes; UNAVAILABLE when the database is not there. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export interface StoreOptions {
  /** PostgreSQL only: statements running longer are cancelled (SQLite runs in-process). */
  statementTimeoutMs?: number;
}

/** Opens SQLite (a file path or `file:`) or PostgreSQL (`postgres://…`) and runs pending migrations. */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const location = parseDatabaseUrl(url);
  let store: Store;
  if (location.dialect === 'postgres') {
    // pg is loaded only for PostgreSQL: the embedded default never pays for it.
    const { postgresDialect } = await import('./postgres.js');
    const { dialect } = postgresDialect(location.url, process.env, { statementTimeoutMs: options.statementTimeoutMs });
    const db = new Kysely<Database>({ dialect: withUnavailableErrors(dialect) });
    store = { db, dialect: 'postgres', ping: () => ping(db), close: () => db.destroy() };
    await reachable(store, location.url);
  } else {
    const { dialect, raw } = sqliteDialect(location.file);
    const db = new Kysely<Database>({ dialect });
    store = { db, dialect: 'sqlite', sqlite: raw, ping: () => ping(db), close: () => db.destroy() };
  }
  try {
    await migrate(store.db);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

async function migrate(db: Kysely<Database>): Promise<void> {
  // Helpers number their migrations in parallel (0009, 0011…): one that lands after a higher one must still run.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new ThreadlineError('UNAVAILABLE', `database migration ${failed} failed: ${describe(error)}`);
  }
}

/** A server that cannot be reached says so, rather than surfacing as a failed migration. */
async function reachable(store: Store, url: string): Promise<void> {
  try {
    await sql`select 1`.execute(store.db);
  } catch (error) {
    await store.close().catch(() => undefined);
    // The pool's wrapper (connection-errors.ts) has already made it UNAVAILABLE, the driver's code in details.cause.
    const code = isThreadlineError(error) ? error.details.cause : (error as { code?: unknown }).code;
    // Connection failures carry a Node errno code (ECONNREFUSED, ENOTFOUND…); SQL states are 5 characters.
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw unavailable(`cannot reach PostgreSQL at ${describePostgresUrl(url)}: ${code}`, { code });
    throw unavailable(`cannot open PostgreSQL at ${describePostgresUrl(url)}: ${describe(error).split('\n')[0]}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
