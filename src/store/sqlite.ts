import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver } from 'kysely';

/**
 * Transactions begin as writes (`BEGIN IMMEDIATE`): a transaction begun as a read that then
 * writes cannot wait for another process's write to finish (SQLite answers SQLITE_BUSY at once,
 * whatever busy_timeout says), so a server and an embedded `threadline run` on one file failed
 * each other's writes. Taking the write lock at BEGIN makes concurrent writers queue instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SQLite.Database) {
    super({ database });
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

/** The embedded default: one SQLite file in WAL mode, waiting on locks rather than failing. */
export function sqliteDialect(file: string): { dialect: SqliteDialect; raw: SQLite.Database } {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const raw = new SQLite(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 10000');
  raw.pragma('foreign_keys = ON');
  return { dialect: new ImmediateSqliteDialect(raw), raw };
}
