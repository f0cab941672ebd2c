import type { Kysely } from 'kysely';

/**
 * Results of expectation suites run on data versions (`threadline validate`). The link to the
 * data version is also a lineage edge (validation → data, `validated`), so `trace` walks it;
 * `data_digest` here serves "the validations of this data" without the edges table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('validations')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('data_digest', 'varchar(80)', (c) => c.notNull())
    .addColumn('data_uri', 'text', (c) => c.notNull())
    .addColumn('suite_name', 'varchar(256)', (c) => c.notNull())
    // sha256 of the suite's canonical JSON: the same checks give the same digest.
    .addColumn('suite_digest', 'varchar(80)', (c) => c.notNull())
    .addColumn('success', 'integer', (c) => c.notNull())
    .addColumn('evaluated', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    // JSON array of per-expectation results.
    .addColumn('results', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('validations_data_time').on('validations').columns(['data_digest', 'time']).execute();
  await db.schema.createIndex('validations_suite_time').on('validations').columns(['suite_name', 'time']).execute();
}
