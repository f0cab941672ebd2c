import { sql, type Expression, type OrderByItemBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { DialectName } from '../../store/database.js';
import { likeToGlob, likeToPostgres } from './like-pattern.js';

/** What differs between back ends when a search compiles, said once per back end. */
export interface SearchDialect {
  /** Case-sensitive LIKE with MLflow's pattern syntax. */
  like(column: Expression<unknown>, pattern: string): RawBuilder<SqlBool>;
  /** Case-insensitive LIKE. */
  ilike(column: Expression<unknown>, pattern: string): RawBuilder<SqlBool>;
  /** Orders text by code point, the same on every back end (SQLite's BINARY collation). */
  byteOrder(ob: OrderByItemBuilder): OrderByItemBuilder;
}

const sqlite: SearchDialect = {
  // SQLite's LIKE ignores ASCII case and PRAGMA case_sensitive_like is per connection, so
  // LIKE becomes GLOB, whose wildcards the pattern is translated to.
  like: (column, pattern) => sql<SqlBool>`${column} glob ${likeToGlob(pattern)}`,
  ilike: (column, pattern) => sql<SqlBool>`lower(${column}) glob lower(${likeToGlob(pattern)})`,
  byteOrder: (ob) => ob,
};

const postgres: SearchDialect = {
  like: (column, pattern) => sql<SqlBool>`${column} like ${likeToPostgres(pattern)}`,
  ilike: (column, pattern) => sql<SqlBool>`lower(${column}) like lower(${likeToPostgres(pattern)})`,
  // The database's default collation may be linguistic (en_US): "B" < "a" must hold as on SQLite.
  byteOrder: (ob) => ob.collate('C'),
};

export const searchDialects: Readonly<Record<DialectName, SearchDialect>> = { sqlite, postgres };
