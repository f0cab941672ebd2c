import type { Kysely } from 'kysely';

/**
 * The prediction log and its ground truth. A prediction is linked to its deployment by the
 * `deployment_id` column (`ENV#N`), not by a lineage edge: there will be millions of rows, and
 * lineage resolves a prediction to its deployment through this column instead of the edges table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('predictions')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('deployment_id', 'varchar(128)')
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('method', 'varchar(16)', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', 'double precision', (c) => c.notNull())
    .addColumn('request_body', 'text')
    .addColumn('response_body', 'text')
    // 1 when a captured body was cut at the size cap.
    .addColumn('truncated', 'integer', (c) => c.notNull())
    .addColumn('model_name', 'varchar(256)')
    .addColumn('model_version', 'integer')
    .addColumn('run_id', 'varchar(32)')
    .addColumn('git_sha', 'varchar(64)')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('predictions_deployment_time').on('predictions').columns(['deployment_id', 'time']).execute();
  await db.schema.createIndex('predictions_time').on('predictions').column('time').execute();
  await db.schema.createIndex('predictions_run').on('predictions').column('run_id').execute();

  // Ground truth joined later; several per prediction are allowed (corrections, several sources).
  await db.schema
    .createTable('prediction_feedback')
    .addColumn('prediction_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('source', 'varchar(256)')
    .execute();
  await db.schema.createIndex('prediction_feedback_prediction').on('prediction_feedback').columns(['prediction_id', 'time']).execute();
}
