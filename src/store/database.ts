import { Kysely, Migrator, sql } from 'kysely';
import type SQLite from 'better-sqlite3';
import { ThreadlineError } from '../errors.js';
import { migrationProvider } from './migrations/index.js';
import { postgresDialect } from './postgres.js';
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
  return /^postgres(ql)?:\/\//.test(url);
}

export interface StoreOptions {
  /** PostgreSQL only: statements running longer are cancelled (SQLite runs in-process). */
  statementTimeoutMs?: number;
}

/** Opens SQLite (a file path) or PostgreSQL (`postgres://…`) and runs pending migrations. */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  let store: Store;
  if (isPostgresUrl(url)) {
    const { dialect } = postgresDialect(url, process.env, { statementTimeoutMs: options.statementTimeoutMs });
    const db = new Kysely<Database>({ dialect: withUnavailableErrors(dialect) });
    store = { db, dialect: 'postgres', ping: () => ping(db), close: () => db.destroy() };
  } else {
    const { dialect, raw } = sqliteDialect(url);
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
