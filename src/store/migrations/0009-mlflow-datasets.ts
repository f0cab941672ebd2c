import type { Kysely } from 'kysely';

/**
 * What MLflow said about a dataset a run logged (`runs/log-inputs`), next to the data version it
 * became: MLflow's own digest and its source, so that `trace` finds the data version by either.
 * `source_uri` is the readable form (`delta:catalog.schema.table@v12`, `s3://bucket/path`,
 * `hf:org/name@rev`) and equals the data version's `uri`; `source_name` is the same without the
 * version, so that `trace delta:catalog.schema.table` lists every version of the table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mlflow_datasets')
    .addColumn('data_digest', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('mlflow_digest', 'varchar(128)', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('source_type', 'varchar(64)', (c) => c.notNull())
    // The source JSON as MLflow sent it (credentials removed from URLs).
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_uri', 'text', (c) => c.notNull())
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('profile', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mlflow_datasets_digest').on('mlflow_datasets').column('mlflow_digest').execute();
  await db.schema.createIndex('mlflow_datasets_source_uri').on('mlflow_datasets').column('source_uri').execute();
  await db.schema.createIndex('mlflow_datasets_source_name').on('mlflow_datasets').column('source_name').execute();
}
