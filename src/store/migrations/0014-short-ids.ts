import { sql, type Kysely } from 'kysely';

/**
 * Run, prediction, event and validation ids are time-ordered: ids made the same hour share their
 * first characters, so people type the random tail instead (the last 8 hex, as in `run-8310db3a`).
 * These expression indexes let that tail be found without a scan, on both dialects; the queries
 * (src/lineage/lookup-store.ts) use the very same expressions.
 */
const tails: [table: string, column: string, from: number][] = [
  ['runs', 'run_id', 25],
  ['predictions', 'id', 29],
  ['events', 'id', 29],
  ['validations', 'id', 29],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column, from] of tails) {
    await sql`create index ${sql.id(`${table}_short_id`)} on ${sql.table(table)} ((substr(${sql.ref(column)}, ${sql.lit(from)})))`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table] of tails) await db.schema.dropIndex(`${table}_short_id`).execute();
}
