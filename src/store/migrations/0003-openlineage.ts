import type { Kysely } from 'kysely';

/**
 * OpenLineage ingest: jobs, their runs (and each state event), and datasets. Jobs and datasets
 * are keyed by a digest of (namespace, name), because names (Spark plans, S3 paths) can exceed
 * what an edge id holds; the readable namespace and name sit beside the key.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ol_jobs')
    .addColumn('job_id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('facets', 'text', (c) => c.notNull())
    .addColumn('latest_run_id', 'varchar(36)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ol_runs')
    .addColumn('run_id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('job_id', 'varchar(80)', (c) => c.notNull())
    // null for a parent run known only from a child's `parent` facet.
    .addColumn('state', 'varchar(16)')
    .addColumn('start_time', 'bigint')
    .addColumn('end_time', 'bigint')
    .addColumn('parent_run_id', 'varchar(36)')
    .addColumn('facets', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ol_runs_job').on('ol_runs').columns(['job_id', 'start_time']).execute();

  // Every state event as received; the digest of its canonical JSON makes a replay a no-op.
  await db.schema
    .createTable('ol_run_events')
    .addColumn('event_digest', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('run_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('event_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('event_time', 'bigint', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ol_run_events_run').on('ol_run_events').columns(['run_id', 'event_time']).execute();

  await db.schema
    .createTable('ol_datasets')
    .addColumn('dataset_id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('facets', 'text', (c) => c.notNull())
    // The data_versions digest of the latest `version` facet seen, if any.
    .addColumn('latest_version', 'varchar(80)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ol_datasets_name').on('ol_datasets').column('name').execute();
}
